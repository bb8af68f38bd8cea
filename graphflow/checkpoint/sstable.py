"""Read a LevelDB-format table (SSTable): the `.index` file of a TensorFlow checkpoint.

TensorFlow writes a checkpoint's index with its copy of LevelDB's table format
(tensorflow/core/lib/io/table*.cc, format.cc). The file ends in a 48-byte footer: two block
handles (the metaindex block and the index block, each a varint64 offset and size, padded to
40 bytes) and the magic number 0xdb4775248b80fb57 (little-endian). The index block maps the
last key of each data block to that block's handle. A block is its entries, then its restart
points (uint32 each) and their count (uint32), then a 5-byte trailer: the compression type
(0 none, 1 snappy) and the masked CRC-32C of contents + type. Each entry is
`varint32 shared, varint32 non_shared, varint32 value_length, key[shared:] bytes, value`: keys
are prefix-compressed against the previous key (a restart point starts a full key).

Only reading is supported, and only uncompressed blocks (what TensorFlow writes for a checkpoint).
"""
from __future__ import annotations

import struct

MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
TRAILER_SIZE = 5
_NO_COMPRESSION, _SNAPPY = 0, 1


class TableError(ValueError):
    """The bytes are not a well-formed table (the message says where and why)."""


def read_varint(data, pos: int) -> tuple[int, int]:
    """(value, position after it) of the base-128 varint at `pos`."""
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise TableError("a varint runs past the end of its block")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def is_table(data: bytes) -> bool:
    """Whether `data` ends with the table magic number."""
    return len(data) >= FOOTER_SIZE and struct.unpack_from("<Q", data, len(data) - 8)[0] == MAGIC


def masked_crc32c(data: bytes) -> int | None:
    """TensorFlow's masked CRC-32C of `data`, or None without the google-crc32c package (then
    checksums are not checked: graphflow[tfcheckpoint] installs it)."""
    try:
        import google_crc32c
    except ImportError:
        return None
    crc = google_crc32c.value(bytes(data))
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def _block_handle(data, pos: int) -> tuple[int, int, int]:
    offset, pos = read_varint(data, pos)
    size, pos = read_varint(data, pos)
    return offset, size, pos


def read_block(data: bytes, offset: int, size: int) -> memoryview:
    """The contents of the block at (offset, size), its trailer checked."""
    end = offset + size
    if offset < 0 or end + TRAILER_SIZE > len(data):
        raise TableError(f"a block at offset {offset} (size {size}) runs past the end of the file "
                         f"({len(data)} bytes): truncated")
    kind = data[end]
    if kind == _SNAPPY:
        raise TableError("a block is snappy-compressed; graphflow reads only uncompressed tables (TensorFlow "
                         "writes checkpoint indexes uncompressed)")
    if kind != _NO_COMPRESSION:
        raise TableError(f"a block has unknown compression type {kind}")
    expected = masked_crc32c(data[offset:end + 1])
    if expected is not None and expected != struct.unpack_from("<I", data, end + 1)[0]:
        raise TableError(f"the block at offset {offset} does not match its checksum (corrupted)")
    return memoryview(data)[offset:end]


def block_entries(block: memoryview):
    """Yield (key bytes, value memoryview) of every entry of a block, in order."""
    if len(block) < 4:
        raise TableError("a block is too short to hold its restart count")
    num_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    limit = len(block) - 4 - 4 * num_restarts
    if limit < 0:
        raise TableError("a block's restart array is larger than the block")
    pos, key = 0, b""
    while pos < limit:
        shared, pos = read_varint(block, pos)
        non_shared, pos = read_varint(block, pos)
        value_length, pos = read_varint(block, pos)
        if shared > len(key) or pos + non_shared + value_length > limit:
            raise TableError("a block entry runs past the end of its block")
        key = key[:shared] + bytes(block[pos:pos + non_shared])
        pos += non_shared
        yield key, block[pos:pos + value_length]
        pos += value_length


def read_table(data: bytes) -> dict:
    """key bytes -> value bytes of every entry of the table in `data`."""
    if not is_table(data):
        raise TableError("the file does not end with the table magic number")
    footer = len(data) - FOOTER_SIZE
    _, _, pos = _block_handle(data, footer)             # the metaindex block (TensorFlow's is empty)
    index_offset, index_size, _ = _block_handle(data, pos)
    out = {}
    for _, handle in block_entries(read_block(data, index_offset, index_size)):
        offset, size, _ = _block_handle(handle, 0)
        for key, value in block_entries(read_block(data, offset, size)):
            out[key] = bytes(value)
    return out
