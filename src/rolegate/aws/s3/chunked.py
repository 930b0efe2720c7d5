"""A streaming decoder for `Content-Encoding: aws-chunked` request bodies.

The x-amz-content-sha256 header names the framing
(https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and
https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html):

    STREAMING-AWS4-HMAC-SHA256-PAYLOAD          <hex size>;chunk-signature=<sig>\\r\\n<data>\\r\\n ...
                                                0;chunk-signature=<sig>\\r\\n\\r\\n
    STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER  the same chunks, then after the final one
                                                <name>:<value>\\r\\n x-amz-trailer-signature:<sig>\\r\\n\\r\\n
    STREAMING-UNSIGNED-PAYLOAD-TRAILER          <hex size>\\r\\n<data>\\r\\n ... 0\\r\\n<name>:<value>\\r\\n\\r\\n

Data is passed through as memoryview slices of what was fed, never copied into a buffer; only a
chunk header or trailer line (a few dozen bytes) is held across feeds. So `feed` hands back bytes
of a chunk before that chunk's signature has been checked: nothing is authentic, complete or of
the declared length until `finish` returns, and a caller must not commit the object before then.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

from rolegate.aws.errors import AwsError
from rolegate.aws.s3 import errors
from rolegate.aws.s3.checksums import (
    ChecksumAlgorithm,
    Checksummer,
    algorithm_of_header,
    header_name,
    is_valid_value,
)
from rolegate.aws.s3.chunk_signing import EMPTY_SHA256, ChunkSigning, SignatureChain

__all__ = ["MIN_CHUNK_SIZE", "AwsChunkedDecoder", "StreamingMode", "streaming_mode"]

MIN_CHUNK_SIZE = 8192  # every chunk but the last (sigv4-streaming.html); S3 enforces it
_MAX_LINE = 4096  # a chunk header is about 90 bytes, a trailer line about 60
_MAX_TRAILERS = 32
_HEX_SIZE = re.compile(rb"[0-9a-fA-F]{1,16}")
_SIGNATURE_KEY = b"chunk-signature="
_TRAILER_SIGNATURE = "x-amz-trailer-signature"

# Where the decoder is in the stream.
_HEADER, _DATA, _DATA_END, _TRAILER, _DONE = range(5)


class StreamingMode(StrEnum):
    SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"


def streaming_mode(content_sha256: str | None) -> StreamingMode | None:
    """The aws-chunked mode an x-amz-content-sha256 value names, or None for any other value
    (a hex digest, UNSIGNED-PAYLOAD, or the ECDSA modes, which rolegate does not decode)."""
    try:
        return StreamingMode(content_sha256) if content_sha256 else None
    except ValueError:
        return None


class AwsChunkedDecoder:
    """Feed the body in pieces of any size; `feed` returns the payload bytes they completed.

    `decoded_length`: x-amz-decoded-content-length, checked against the payload at the end.
    `signing`: required for the two signed modes. `expected_trailer`: the x-amz-trailer header, a
    checksum header name such as `x-amz-checksum-crc32`; that checksum is then computed while
    decoding and checked against the trailer. `checksum`: compute one without a trailer (for a
    checksum sent as a header), read back with `checksum_value()` after `finish`.
    """

    __slots__ = (
        "_chain",
        "_checksummer",
        "_chunk_hash",
        "_chunk_number",
        "_chunk_signature",
        "_crlf_seen",
        "_declared",
        "_decoded",
        "_decoded_length",
        "_expects_trailer",
        "_failure",
        "_line",
        "_previous_size",
        "_remaining",
        "_result",
        "_skipped_blank",
        "_state",
        "_trailer_signature",
        "_trailers",
        "expected_trailer",
        "mode",
    )

    def __init__(
        self,
        mode: StreamingMode | str,
        decoded_length: int | None,
        *,
        signing: ChunkSigning | None = None,
        expected_trailer: str | None = None,
        checksum: ChecksumAlgorithm | None = None,
    ) -> None:
        known = streaming_mode(mode)
        if known is None:  # the ECDSA (SigV4a) framings, or a value that is no framing at all
            raise errors.not_implemented(header="x-amz-content-sha256")
        self.mode = known
        self._chain: SignatureChain | None = None
        if known is not StreamingMode.UNSIGNED_TRAILER:
            if signing is None:  # signed chunks on a request with no verified signature
                raise errors.chunk_signature_mismatch()
            self._chain = SignatureChain(signing)
        self.expected_trailer: str | None = None
        if expected_trailer is not None and expected_trailer.strip():
            if known is StreamingMode.SIGNED:
                # Signed chunks with a trailer take the -TRAILER framing, whose trailer is
                # signed (sigv4-streaming-trailers.html: "You must set x-amz-content-sha256 to
                # an appropriate value that indicates a trailer will be included"). Here the
                # trailer's checksum would arrive with no signature over it.
                raise errors.unsupported_trailer()
            self.expected_trailer = expected_trailer.strip().lower()
            trailer_algorithm = algorithm_of_header(self.expected_trailer)
            if trailer_algorithm is None:
                raise errors.unsupported_trailer()
            if checksum is not None and checksum is not trailer_algorithm:
                raise errors.multiple_checksums()
            checksum = trailer_algorithm
        self._checksummer = Checksummer(checksum) if checksum is not None else None
        self._expects_trailer = (
            self.mode is StreamingMode.SIGNED_TRAILER or self.expected_trailer is not None
        )
        self._decoded_length = decoded_length
        self._state = _HEADER
        self._line = bytearray()
        self._remaining = 0
        self._crlf_seen = 0
        self._chunk_number = 0
        self._previous_size: int | None = None
        self._chunk_hash: hashlib._Hash | None = None
        self._chunk_signature = ""
        self._declared = 0
        self._decoded = 0
        self._trailers: dict[str, str] = {}
        self._trailer_signature: str | None = None
        self._skipped_blank = False
        self._failure: AwsError | None = None
        self._result: dict[str, str] | None = None

    @property
    def decoded_size(self) -> int:
        """Payload bytes returned so far."""
        return self._decoded

    def checksum_value(self) -> str | None:
        """The base64 checksum of the payload so far, if one is computed."""
        return self._checksummer.b64digest() if self._checksummer is not None else None

    def feed(self, data: bytes) -> bytes:
        if self._failure is not None:
            raise self._failure
        try:
            return self._feed(data)
        except AwsError as failure:
            self._failure = failure  # a broken stream stays broken
            raise

    def finish(self) -> dict[str, str]:
        """Check the end of the body; return its trailers (names lowercase, no signature)."""
        if self._failure is not None:
            raise self._failure
        if self._result is None:
            try:
                self._result = self._finish()
            except AwsError as failure:
                self._failure = failure
                raise
        return dict(self._result)

    # --- the stream ---------------------------------------------------------------------------

    def _feed(self, data: bytes) -> bytes:
        size = len(data)
        pos = 0
        out: list[memoryview] = []
        view: memoryview | None = None
        while pos < size:
            state = self._state
            if state == _DATA:
                end = min(pos + self._remaining, size)
                if view is None:
                    view = memoryview(data)
                piece = view[pos:end]
                if self._chunk_hash is not None:
                    self._chunk_hash.update(piece)
                if self._checksummer is not None:
                    self._checksummer.update(piece)
                out.append(piece)
                self._remaining -= end - pos
                self._decoded += end - pos
                pos = end
                if not self._remaining:
                    self._end_of_data()
            elif state == _DATA_END:
                pos = self._data_crlf(data, pos)
            elif state in (_HEADER, _TRAILER):
                line, pos = self._read_line(data, pos)
                if line is None:
                    break
                if state == _HEADER:
                    self._start_chunk(line)
                else:
                    self._trailer_line(line)
            else:  # bytes after the end of the stream
                raise errors.incomplete_body()
        if not out:
            return b""
        if len(out) == 1:
            only = out[0]
            return data if len(only) == size else only.tobytes()
        return b"".join(out)

    def _read_line(self, data: bytes, pos: int) -> tuple[bytes | None, int]:
        """The next CRLF-terminated line, which may have begun in an earlier feed."""
        held = self._line
        if held and held[-1] == 0x0D and data[pos] == 0x0A:  # the CRLF itself was split
            line = bytes(held[:-1])
            held.clear()
            return line, pos + 1
        end = data.find(b"\r\n", pos, pos + _MAX_LINE - len(held) + 2)
        if end < 0:
            if len(held) + len(data) - pos > _MAX_LINE + 1:
                raise errors.incomplete_body()  # no line is this long: not aws-chunked
            held += data[pos:]
            return None, len(data)
        if held:
            line = bytes(held) + data[pos:end]
            held.clear()
        else:
            line = data[pos:end]
        return line, end + 2

    def _data_crlf(self, data: bytes, pos: int) -> int:
        expected = b"\r\n"[self._crlf_seen :]
        got = data[pos : pos + len(expected)]
        if not expected.startswith(got):
            raise errors.incomplete_body()  # the data ran past its declared size
        self._crlf_seen += len(got)
        if self._crlf_seen == 2:
            self._crlf_seen = 0
            self._state = _HEADER
        return pos + len(got)

    def _start_chunk(self, line: bytes) -> None:
        semicolon = line.find(b";")
        size_text = line if semicolon < 0 else line[:semicolon]
        if _HEX_SIZE.fullmatch(size_text) is None:
            raise errors.incomplete_body()
        size = int(size_text, 16)
        self._chunk_number += 1
        if self._chain is not None:
            if semicolon < 0 or not line.startswith(_SIGNATURE_KEY, semicolon + 1):
                raise errors.chunk_signature_mismatch()
            self._chunk_signature = line[semicolon + 1 + len(_SIGNATURE_KEY) :].decode("latin-1")
        if size:
            # Only now is the previous chunk known not to be the last one.
            if self._previous_size is not None and self._previous_size < MIN_CHUNK_SIZE:
                raise errors.invalid_chunk_size(self._chunk_number, self._previous_size)
            self._previous_size = size
        self._declared += size
        expected = self._decoded_length
        if expected is not None and self._declared > expected:
            raise errors.body_length_mismatch(expected, self._declared)
        if size == 0:
            if self._chain is not None:
                self._chain.verify_chunk(EMPTY_SHA256, self._chunk_signature)
            self._state = _TRAILER
            return
        self._remaining = size
        if self._chain is not None:
            self._chunk_hash = hashlib.sha256()
        self._state = _DATA

    def _end_of_data(self) -> None:
        if self._chain is not None and self._chunk_hash is not None:
            self._chain.verify_chunk(self._chunk_hash.hexdigest(), self._chunk_signature)
            self._chunk_hash = None
        self._state = _DATA_END

    def _trailer_line(self, line: bytes) -> None:
        if not line:
            if self._expects_trailer and not self._trailers and not self._skipped_blank:
                # Some encoders put a blank line between the final chunk and the trailer.
                self._skipped_blank = True
                return
            self._state = _DONE
            return
        if self.mode is StreamingMode.SIGNED:
            # No trailer in this framing (sigv4-streaming.html: the final 0-byte chunk ends the
            # body): lines after it would be read by no signature, so they end the request.
            raise errors.incomplete_body()
        name, colon, value = line.partition(b":")
        if not colon or len(self._trailers) >= _MAX_TRAILERS or self._trailer_signature:
            raise errors.incomplete_body()
        text_name = name.decode("latin-1").strip().lower()
        text_value = value.decode("latin-1").strip()
        if text_name == _TRAILER_SIGNATURE:
            self._trailer_signature = text_value
        else:
            self._trailers[text_name] = text_value

    # --- the end ----------------------------------------------------------------------------------

    def _finish(self) -> dict[str, str]:
        # The final CRLF of the trailer section is redundant; some clients leave it out.
        done = self._state == _DONE or (self._state == _TRAILER and not self._line)
        if not done:
            raise errors.incomplete_body()
        expected = self._decoded_length
        if expected is not None and self._decoded != expected:
            raise errors.body_length_mismatch(expected, self._decoded)
        if self.mode is StreamingMode.SIGNED_TRAILER and self._chain is not None:
            if self._trailer_signature is None:
                raise errors.chunk_signature_mismatch()
            canonical = "".join(f"{name}:{value}\n" for name, value in self._trailers.items())
            self._chain.verify_trailer(canonical.encode("latin-1"), self._trailer_signature)
        self._check_checksum()
        return dict(self._trailers)

    def _check_checksum(self) -> None:
        checksummer = self._checksummer
        if checksummer is None:
            return
        name = header_name(checksummer.algorithm)
        sent = self._trailers.get(name)
        if sent is None:
            if self.expected_trailer is not None:
                raise errors.incomplete_body()  # announced in x-amz-trailer, never sent
            return
        if not is_valid_value(checksummer.algorithm, sent):
            raise errors.invalid_trailer_value(name)
        if sent != checksummer.b64digest():
            raise errors.bad_digest(checksummer.algorithm.value)
