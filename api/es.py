"""Every Elasticsearch call the API makes goes through here: timeouts from config, errors as one sentence."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import elastic_transport
import elasticsearch
from elasticsearch.serializer import JsonSerializer

from api.errors import BadRequestError, UpstreamError
from core.surrogates import may_hold_lone_surrogates, without_lone_surrogates

__all__ = ["ResponseSerializer", "es_call", "es_reason", "es_result"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class ResponseSerializer(JsonSerializer):
    """Elasticsearch's answers with every lone surrogate replaced by U+FFFD, as the streaming job replaces them
    before indexing: a document another writer stored with one could not be written as JSON again, and the
    search page, the document and the patterns holding it answered 500."""

    def json_loads(self, data: bytes) -> Any:
        value = super().json_loads(data)
        return without_lone_surrogates(value) if may_hold_lone_surrogates(data) else value


def es_reason(exc: elasticsearch.ApiError) -> str:
    """The innermost ``reason`` Elasticsearch gave, without the noise around it."""
    info: Any = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error", {})
    while isinstance(error, dict):
        causes = error.get("root_cause") or []
        if error.get("caused_by"):
            error = error["caused_by"]
        elif causes and isinstance(causes[0], dict) and causes[0] is not error:
            error = causes[0]
            if not error.get("caused_by"):
                return str(error.get("reason") or error.get("type") or exc.message)
        else:
            return str(error.get("reason") or error.get("type") or exc.message)
    return str(error or exc.message)


class _Outage:
    """Whether Elasticsearch is currently unreachable, so that each outage is logged once."""

    def __init__(self) -> None:
        self.down = False

    def start(self) -> bool:
        first, self.down = not self.down, True
        return first

    def end(self) -> bool:
        was, self.down = self.down, False
        return was


_outage = _Outage()


async def es_result(call: Awaitable[T], what: str, url: str) -> T:
    """Await one Elasticsearch call (a client request, or a silence or correction store method) and turn its
    failures into API errors.

    :param call: the client coroutine (already given its timeout).
    :param what: what the request was for, for the sentence and the log line.
    :param url: the Elasticsearch URL, for the sentence.
    """
    try:
        response = await call
    except elasticsearch.BadRequestError as exc:
        raise BadRequestError(f"Elasticsearch rejected the {what}: {es_reason(exc)}; change the request.") from exc
    except elasticsearch.ApiError as exc:
        logger.warning("elasticsearch error what=%r status=%s reason=%r", what, exc.meta.status, es_reason(exc))
        raise UpstreamError(
            f"Elasticsearch answered {exc.meta.status} to the {what}: {es_reason(exc)}; try again shortly."
        ) from exc
    except (
        elastic_transport.ConnectionError,
        elastic_transport.ConnectionTimeout,
        elastic_transport.TransportError,
    ) as exc:
        if _outage.start():  # once per outage, not on every request while it lasts
            logger.warning("elasticsearch unreachable what=%r url=%r error=%r", what, url, type(exc).__name__)
        raise UpstreamError(
            f"Elasticsearch at {url} did not answer the {what} in time: start it (make run) or check es.url."
        ) from exc
    if _outage.end():
        logger.info("elasticsearch reachable again url=%r", url)
    return response


async def es_call(call: Awaitable[Any], what: str, url: str) -> dict[str, Any]:
    """The body of one Elasticsearch request, its failures turned into API errors (see :func:`es_result`)."""
    response = await es_result(call, what, url)
    body = response.body if hasattr(response, "body") else response
    return body if isinstance(body, dict) else {}
