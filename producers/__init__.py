"""Ship a service's logs to the platform's Kafka ``logs`` topic without ever hurting the service.

from producers import LogProducer, KafkaLogHandler

producer = LogProducer("payment", bootstrap_servers="127.0.0.1:9092")
producer.emit("ERROR", "Card declined", order_id="o-123", amount=42.5)

logging.getLogger().addHandler(KafkaLogHandler(service="payment"))
"""

from __future__ import annotations

from producers._lifecycle import close_on_sigterm
from producers.buffer import ProducerStats
from producers.config import ProducerConfig
from producers.errors import ProducerConfigError, ProducerError, SpoolError
from producers.event import LEVELS, normalize_level
from producers.handler import DEFAULT_IGNORED_LOGGERS, KafkaLogHandler
from producers.producer import LogProducer
from producers.transport import KafkaTransport, StreamTransport, Transport

__all__ = [
    "DEFAULT_IGNORED_LOGGERS",
    "KafkaLogHandler",
    "KafkaTransport",
    "LEVELS",
    "LogProducer",
    "ProducerConfig",
    "ProducerConfigError",
    "ProducerError",
    "ProducerStats",
    "SpoolError",
    "StreamTransport",
    "Transport",
    "close_on_sigterm",
    "__version__",
    "normalize_level",
]

__version__ = "0.1.0"
