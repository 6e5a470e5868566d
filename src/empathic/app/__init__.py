"""The application layer: one module per use case, each a few typed functions that run a stage against a store.

``ingest``, ``analyze``, ``voc`` (themes, needs, drivers, personas), ``mirror``, ``relate``, ``narrate``,
``experiment``, ``predict`` and ``report``. A function takes the store (and settings or typed params), reads
what the pure stage needs, calls it, stores the typed result where the report should show it, and returns
it. The CLI, the report, the :class:`~empathic.workspace.Workspace` facade and the coming API call only this
layer, so a feature exists once.
"""
