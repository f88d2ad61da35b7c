"""JSON-LD as a contract: the published context, compaction, frames, profiles and listings."""
