"""Browser sign-in: ``POST /auth/login`` turns an API token into an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from api.auth import COOKIE_NAME, identity_of, same_origin
from api.errors import AuthError, ForbiddenError
from api.state import AppState, get_state

__all__ = ["router", "LoginIn", "Me"]

router = APIRouter(tags=["auth"])

COOKIE_MAX_AGE_S = 30 * 86400


class LoginIn(BaseModel):
    token: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    name: str
    method: str
    auth_required: bool
    scopes: list[str]


@router.post("/auth/login", status_code=204, summary="Sign in a browser with an API token")
async def login(body: LoginIn, request: Request, state: Annotated[AppState, Depends(get_state)]) -> Response:
    if not same_origin(request.scope, state.config.api.public_url):
        raise ForbiddenError("This sign-in comes from another site: open the dashboard from its own address.")
    if state.tokens.verify(body.token.strip()) is None:
        raise AuthError("The API token is unknown or revoked: create one with 'python -m api tokens create NAME'.")
    response = Response(status_code=204)
    secure = request.url.scheme == "https" or state.config.api.public_url.startswith("https://")
    response.set_cookie(
        COOKIE_NAME,
        body.token.strip(),
        max_age=COOKIE_MAX_AGE_S,
        httponly=True,
        samesite="strict",
        secure=secure,
        path="/",
    )
    return response


@router.post("/auth/logout", status_code=204, summary="Forget the browser's sign-in cookie")
async def logout() -> Response:
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


@router.get("/auth/me", response_model=Me, summary="Who the API thinks you are")
async def me(request: Request, state: Annotated[AppState, Depends(get_state)]) -> Me:
    ident = identity_of(request.scope)
    return Me(name=ident.name, method=ident.method, auth_required=state.auth_required, scopes=list(ident.scopes))
