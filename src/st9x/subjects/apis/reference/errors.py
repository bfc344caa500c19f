"""The reference API's one error body, in the style of RFC 9457 problem details.

ST.90 asks an API to answer every error in one documented structure, so a client can handle
them all the same way. The body is ``{"status": int, "title": str, "detail": str}`` with an
optional ``type`` (a URI reference naming the kind of problem; left out here, which RFC 9457
reads as ``about:blank``, so ``title`` is the HTTP reason phrase). ``status`` repeats the HTTP
status code, ``detail`` says what was wrong with this request. It is served as
``application/json`` (the media type the OpenAPI document declares for every response), and
described once as the ``Error`` schema every error response of the document refers to.

The ``error-body`` fault sends a body of another shape instead, with the same status code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus

from starlette.responses import JSONResponse

MEDIA_TYPE = "application/json"


@dataclass(frozen=True)
class Problem:
    """One error answer: the status code and what the client did wrong."""

    status: int
    detail: str

    @property
    def title(self) -> str:
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Error"

    def body(self, shared: bool = True) -> dict[str, object]:
        """The body in the shared Error schema, or (``shared=False``) in a shape of its own."""
        if shared:
            return {"status": self.status, "title": self.title, "detail": self.detail}
        return {"error": {"code": str(self.status), "message": self.detail}}

    def response(
        self, shared: bool = True, headers: Mapping[str, str] | None = None
    ) -> JSONResponse:
        return JSONResponse(
            self.body(shared), status_code=self.status, headers=dict(headers or {}),
            media_type=MEDIA_TYPE,
        )
