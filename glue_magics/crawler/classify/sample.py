"""The bounded start of a text file: raw bytes, decoded text, and record-count estimates."""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Callable

from glue_magics.crawler.classify.compression import Readable

STEP = 1_000_000  # how much more to read each time a classifier is still undecided

# Control bytes that do not occur in text files; tab, LF, CR, FF, ESC and Ctrl-A (a Hive
# delimiter) do.
_CONTROL = bytes(c for c in range(32) if c not in (1, 9, 10, 12, 13, 27)) + b"\x7f"
_PROBE = 65536


class SampleError(Exception):
    """The stream broke while reading: corrupt or truncated compression, or an I/O error."""


class TextSample:
    """The first ``first_bytes`` of a (decompressed) stream, growable up to ``max_bytes``."""

    def __init__(
        self,
        stream: Readable,
        size: int,
        first_bytes: int,
        max_bytes: int,
        raw_position: Callable[[], int] | None = None,
    ) -> None:
        self._stream = stream
        self._size = size
        self._max_bytes = max(max_bytes, first_bytes)
        self._raw_position = raw_position  # compressed bytes consumed so far, when compressed
        self.data = b""
        self.eof = False
        self.notes: list[str] = []
        self._encoding = "utf-8"
        self._text = ""
        self._decoded_length = -1
        self._read(first_bytes)

    def _read(self, count: int) -> None:
        chunks = [self.data]
        try:
            while count > 0:
                chunk = self._stream.read(count)
                if not chunk:
                    self.eof = True
                    break
                chunks.append(chunk)
                count -= len(chunk)
            if not self.eof:
                # One byte of look-ahead tells "exactly this much left" from "more to come".
                extra = self._stream.read(1)
                chunks.append(extra)
                self.eof = not extra
        except (EOFError, OSError, zlib.error) as err:
            raise SampleError(str(err) or type(err).__name__) from err
        self.data = b"".join(chunks)

    def grow(self) -> bool:
        """Read another step, up to ``max_bytes``; False when there is nothing more to read."""
        if self.eof or len(self.data) >= self._max_bytes:
            return False
        self._read(min(STEP, self._max_bytes - len(self.data)))
        return True

    @property
    def encoding(self) -> str:
        """utf-8, or latin-1 once the data turned out not to be UTF-8."""
        self._decode_new_data()
        return self._encoding

    @property
    def text(self) -> str:
        self._decode_new_data()
        return self._text

    def _decode_new_data(self) -> None:
        if self._decoded_length != len(self.data):
            self._text = self._decode()
            self._decoded_length = len(self.data)

    def _decode(self) -> str:
        if self._encoding == "utf-8":
            try:
                # Incremental, so a character cut at the end of the sample is not an error.
                decoder = codecs.getincrementaldecoder("utf-8-sig")()
                return decoder.decode(self.data, final=self.eof)
            except UnicodeDecodeError as err:
                self._encoding = "latin-1"
                self.notes.append(
                    f"not valid UTF-8 (byte {err.start}); read as latin-1, which Hive reads only "
                    "with serialization.encoding set"
                )
        return self.data.decode("latin-1")

    def not_text_reason(self) -> str | None:
        """Why the sample is not text, or None when it is."""
        head = self.data[:_PROBE]
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "UTF-16/UTF-32 text (byte order mark) is not supported; Glue reads UTF-8"
        if b"\x00" in head:
            return "binary data (NUL bytes), not text"
        controls = len(head) - len(head.translate(None, _CONTROL))
        if controls > 0.05 * len(head):
            return "binary data (control bytes), not text"
        if self.encoding != "utf-8":
            high = len(head) - len(head.translate(None, bytes(range(128, 256))))
            if high > 0.3 * len(head):
                return "binary data (not UTF-8, mostly non-ASCII bytes), not text"
        return None

    def estimate(self, records: int, covered_chars: int, complete: bool) -> tuple[int, bool]:
        """(record count, exact?) for the whole file, from ``records`` found in the first
        ``covered_chars`` characters of the text. Exact only when the whole file was read."""
        if complete and self.eof:
            return records, True
        text_length = len(self.text)
        if records == 0 or covered_chars <= 0 or text_length == 0:
            return records, False
        covered_bytes = len(self.data) * covered_chars / text_length
        consumed = self._raw_position() if self._raw_position else len(self.data)
        # Compressed: scale the file size by how much the consumed part expanded.
        total = self._size * len(self.data) / consumed if consumed > 0 else self._size
        return max(records, round(records * total / covered_bytes)), False
