"""The public names of the api package have not drifted, and every module declares what it exports."""

from __future__ import annotations

import importlib
import pkgutil

import api

EXPECTED = {
    "create_app",
    "parse_query",
    "TokenStore",
    "ApiError",
    "AuthError",
    "BadRequestError",
    "ForbiddenError",
    "NotFoundError",
    "QuerySyntaxError",
    "RateLimitedError",
    "UpstreamError",
}


def test_api_package_exports() -> None:
    assert set(api.__all__) == EXPECTED
    for name in api.__all__:
        assert hasattr(api, name)


def test_every_api_module_declares_all() -> None:
    for info in pkgutil.walk_packages(api.__path__, "api."):
        module = importlib.import_module(info.name)
        assert isinstance(getattr(module, "__all__", None), list), info.name
        for name in module.__all__:
            assert hasattr(module, name), f"{info.name}.{name}"


def test_errors_derive_from_the_project_root() -> None:
    from core.errors import LogwatchError

    for name in ("AuthError", "QuerySyntaxError", "UpstreamError"):
        assert issubclass(getattr(api, name), LogwatchError)
