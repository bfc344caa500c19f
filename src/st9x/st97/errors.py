"""The st9x error raised when an instance cannot be converted (completely)."""

from __future__ import annotations

from typing import Any

from st9x.errors import St9xError


class ConversionError(St9xError):
    """An instance that does not fit the schema it is converted with.

    The conversion stops at the first such place; ``where`` is the XML path (or JSON pointer) of
    that place, ``line`` the source line when the input was XML, and ``partial`` the document as
    far as it was converted, so a caller can show how far it got.
    """

    def __init__(
        self,
        message: str,
        *,
        where: str = "",
        path: str | None = None,
        line: int | None = None,
        partial: Any = None,
    ) -> None:
        super().__init__(f"{message} (at {where})" if where else message, path=path, line=line)
        self.where = where
        self.partial = partial
