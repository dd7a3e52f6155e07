"""The Spark Structured Streaming job: parse, redact, classify, index, and raise windowed alerts."""
