"""Starts, configures and stops the JVM services (Kafka, Elasticsearch) and the system's processes."""
