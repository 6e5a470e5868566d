"""Typed records that cross module boundaries (one namespace, split by stage into submodules).

Stages exchange these frozen dataclasses, never dicts or DataFrames (those live only at the
edges: input files, JSON export). Mapping fields are read-only views.

>>> doc = Document(source="shop", source_id="R1", kind=DocumentKind.REVIEW, text="Love it")
>>> doc.kind.value, doc.content_hash() == doc.content_hash()
('review', True)
"""

from empathic.types.core import (
    AnalysisSummary,
    ColumnMapping,
    DemoResult,
    Document,
    DocumentKind,
    EmotionPrediction,
    IngestBatch,
    IngestSummary,
    MirrorResult,
    PeriodCount,
    QuarantinedRow,
    QuarantineReason,
    RawRecord,
    Score,
    ScoredQuote,
    WorkspaceStatus,
    WriteResult,
)
from empathic.types.experiment import (
    BanditKind,
    BanditRecommendation,
    BanditState,
    ExperimentIngestSummary,
    ExperimentListing,
    ExperimentObservation,
    ExperimentResult,
    ExperimentSpec,
    MetricStats,
    ReplayResult,
    ResultStatus,
    VariantResult,
)
from empathic.types.narrate import (
    Narrative,
    NarrativeFormat,
    QuotedSpan,
    SourceQuote,
)
from empathic.types.predict import (
    CalibrationBin,
    Estimate,
    PretestDriver,
    PretestEvaluation,
    PretestScore,
    PropensityResult,
    UpliftEvaluation,
    UpliftResult,
)
from empathic.types.relate import (
    Audience,
    ExcludedTestimonial,
    RankedTestimonial,
    RankerScores,
    RankingInputs,
    TestimonialRanking,
)
from empathic.types.safety import Finding, SafetyCategory, SafetyVerdict, SentenceVerdict
from empathic.types.trust import TrustRecord, TrustReview
from empathic.types.voc import (
    DesignIdea,
    DriverEffect,
    NeedKind,
    NeedSentence,
    Persona,
    Theme,
)

__all__ = [
    "AnalysisSummary",
    "Audience",
    "BanditKind",
    "BanditRecommendation",
    "BanditState",
    "CalibrationBin",
    "ColumnMapping",
    "DemoResult",
    "DesignIdea",
    "Document",
    "DocumentKind",
    "DriverEffect",
    "EmotionPrediction",
    "Estimate",
    "ExcludedTestimonial",
    "ExperimentIngestSummary",
    "ExperimentListing",
    "ExperimentObservation",
    "ExperimentResult",
    "ExperimentSpec",
    "Finding",
    "IngestBatch",
    "IngestSummary",
    "MetricStats",
    "MirrorResult",
    "Narrative",
    "NarrativeFormat",
    "NeedKind",
    "NeedSentence",
    "PeriodCount",
    "Persona",
    "PretestDriver",
    "PretestEvaluation",
    "PretestScore",
    "PropensityResult",
    "QuarantineReason",
    "QuarantinedRow",
    "QuotedSpan",
    "RankedTestimonial",
    "RankerScores",
    "RankingInputs",
    "RawRecord",
    "ReplayResult",
    "ResultStatus",
    "SafetyCategory",
    "SafetyVerdict",
    "Score",
    "ScoredQuote",
    "SentenceVerdict",
    "SourceQuote",
    "TestimonialRanking",
    "Theme",
    "TrustRecord",
    "TrustReview",
    "UpliftEvaluation",
    "UpliftResult",
    "VariantResult",
    "WorkspaceStatus",
    "WriteResult",
]
