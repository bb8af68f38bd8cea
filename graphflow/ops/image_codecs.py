"""tf.image's codecs beyond DecodeImage/EncodeImage (ops/file_io.py): JPEG decoded the way TensorFlow's
libjpeg-turbo does it (its DCT method and chroma upsampling, through simplejpeg), cropped and measured;
JPEG re-encoded at a quality given as a tensor; GIF animations composited frame on frame as TensorFlow
does; WebP; JPEG XL (libjxl, through the pillow-jxl-plugin package). All are reference kernels over bytes:
pure, not differentiable, the same in every mode.
"""
from __future__ import annotations

import io
import struct

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from .registry import OpDef, Spec, register

_DCT_METHODS = {"": True, "INTEGER_FAST": True, "INTEGER_ACCURATE": False}   # name -> libjpeg's fast DCT


def _bytes(x) -> bytes:
    v = np.asarray(x, dtype=object).reshape(-1)[0]
    return v if isinstance(v, bytes) else str(v).encode()


def _scalar_string(spec, op):
    if spec.dtype is not dtypes.string or spec.shape.rank not in (0, None):
        raise TypeError(f"{op}: contents must be a scalar string, got {spec.dtype.name}{spec.shape}")


def _simplejpeg():
    try:
        import simplejpeg
    except ImportError:
        raise ImportError("decoding JPEG as TensorFlow does needs simplejpeg (libjpeg-turbo): "
                          "pip install graphflow[image]") from None
    return simplejpeg


def pillow():
    """PIL.Image, loaded on first use (an optional dependency)."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("decoding and encoding images needs Pillow: pip install graphflow[image]") from None
    return Image





# ---- JPEG ------------------------------------------------------------------------------------------------------
def _jpeg_header(data: bytes, op: str):
    """(height, width, channels in the file) of JPEG data; ValueError naming `op` otherwise."""
    if data[:2] != b"\xff\xd8":
        raise ValueError(f"{op}: invalid JPEG data, size {len(data)} (no JPEG start-of-image marker)")
    try:
        h, w, colorspace, _ = _simplejpeg().decode_jpeg_header(data)
    except ValueError as e:
        raise ValueError(f"{op}: invalid JPEG data, size {len(data)} ({e})") from None
    return h, w, {"Gray": 1, "CMYK": 4, "YCCK": 4}.get(colorspace, 3)


def jpeg_pixels(data: bytes, channels: int, dct_method: str, fancy_upscaling: bool, ratio: int,
                op: str) -> np.ndarray:
    """uint8 [height, width, channels] as TensorFlow's DecodeJpeg gives it: libjpeg-turbo with the fast
    integer DCT unless INTEGER_ACCURATE is asked, fancy chroma upsampling, 1/ratio scaling."""
    if dct_method not in _DCT_METHODS:
        raise ValueError(f"{op}: dct_method must be one of {sorted(_DCT_METHODS)}, got {dct_method!r}")
    if ratio not in (1, 2, 4, 8):
        raise ValueError(f"{op}: ratio must be 1, 2, 4 or 8, got {ratio}")
    if channels not in (0, 1, 3):
        raise ValueError(f"{op}: channels must be 0, 1 or 3 for JPEG, got {channels}")
    height, width, file_channels = _jpeg_header(data, op)
    want = channels or min(file_channels, 3)
    try:
        if file_channels == 4:     # Adobe CMYK/YCCK: libjpeg-turbo cannot convert it to RGB; Pillow can
            image = pillow().open(io.BytesIO(data)).convert("L" if want == 1 else "RGB")
            arr = np.asarray(image, dtype=np.uint8)
        else:
            arr = _simplejpeg().decode_jpeg(data, colorspace="GRAY" if want == 1 else "RGB",
                                            fastdct=_DCT_METHODS[dct_method], fastupsample=not fancy_upscaling,
                                            min_height=-(-height // ratio), min_width=-(-width // ratio))
    except (ValueError, OSError) as e:
        raise ValueError(f"{op}: invalid JPEG data, size {len(data)} ({e})") from None
    return arr.reshape(arr.shape[0], arr.shape[1], want)


def _decode_jpeg_infer(contents, channels=0, dct_method="", fancy_upscaling=True, ratio=1,
                       name_for_errors="DecodeJpeg"):
    _scalar_string(contents, name_for_errors)
    return [Spec(TensorShape([None, None, channels or None]), dtypes.uint8)]


def _decode_jpeg(contents, channels=0, dct_method="", fancy_upscaling=True, ratio=1, name_for_errors="DecodeJpeg"):
    return jpeg_pixels(_bytes(contents), channels, dct_method, fancy_upscaling, ratio, name_for_errors)


register(OpDef("DecodeJpeg", _decode_jpeg_infer, _decode_jpeg, differentiable=False))


def _crop_infer(contents, crop_window, channels=0, dct_method="", fancy_upscaling=True, ratio=1):
    _scalar_string(contents, "DecodeAndCropJpeg")
    if not crop_window.dtype.is_integer or crop_window.shape.rank not in (1, None) \
            or crop_window.shape.dims and crop_window.shape.dims[0] not in (4, None):
        raise ValueError(f"DecodeAndCropJpeg: crop_window must be 4 integers [y, x, height, width], got "
                         f"{crop_window.dtype.name}{crop_window.shape}")
    return [Spec(TensorShape([None, None, channels or None]), dtypes.uint8)]


def _decode_and_crop_jpeg(contents, crop_window, channels=0, dct_method="", fancy_upscaling=True, ratio=1):
    """The window [y, x, height, width] of the decoded image: TensorFlow's documented meaning (decode, then
    crop). TF's own kernel decodes only the window's iMCU columns, so its chroma upsampling treats the window's
    edges as image edges: its edge columns can differ from decode-then-crop's (docs/linalg_nn_image_signal.md)."""
    window = np.asarray(crop_window).reshape(-1)
    if window.size != 4:
        raise ValueError(f"DecodeAndCropJpeg: crop_window must have four elements, got {window.size}")
    data = _bytes(contents)
    h, w, _ = _jpeg_header(data, "DecodeAndCropJpeg")
    y, x, ch, cw = (int(v) for v in window)
    if y < 0 or x < 0 or ch <= 0 or cw <= 0 or y + ch > h or x + cw > w:
        raise ValueError(f"DecodeAndCropJpeg: crop window [y={y}, x={x}, height={ch}, width={cw}] does not fit in "
                         f"the {h}x{w} image")
    image = jpeg_pixels(data, channels, dct_method, fancy_upscaling, ratio, "DecodeAndCropJpeg")
    return np.ascontiguousarray(image[y:y + ch, x:x + cw])


register(OpDef("DecodeAndCropJpeg", _crop_infer, _decode_and_crop_jpeg, differentiable=False))


def _shape_infer(contents, output_type):
    _scalar_string(contents, "ExtractJpegShape")
    if output_type not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"ExtractJpegShape: output_type must be int32 or int64, got {output_type.name}")
    return [Spec(TensorShape([3]), output_type)]


def _extract_jpeg_shape(contents, output_type):
    return np.array(_jpeg_header(_bytes(contents), "ExtractJpegShape"), output_type.np)


register(OpDef("ExtractJpegShape", _shape_infer, _extract_jpeg_shape, differentiable=False))


def _encode_quality_infer(image, quality):
    if image.dtype is not dtypes.uint8 or image.shape.rank not in (3, None):
        raise TypeError(f"EncodeJpegVariableQuality: image must be a 3-D uint8 [height, width, channels], got "
                        f"{image.dtype.name}{image.shape}")
    if not quality.dtype.is_integer or quality.shape.rank not in (0, None):
        raise TypeError(f"EncodeJpegVariableQuality: quality must be a scalar integer, got "
                        f"{quality.dtype.name}{quality.shape}")
    return [Spec(TensorShape([]), dtypes.string)]


def _encode_jpeg_variable_quality(image, quality):
    """libjpeg's baseline encoding at `quality` with 4:2:0 chroma, as TensorFlow's encoder (Pillow writes the
    same bytes but for the JFIF density fields)."""
    q = int(np.asarray(quality))
    if not 0 <= q <= 100:
        raise ValueError(f"EncodeJpegVariableQuality: quality must be in [0, 100], got {q}")
    arr = np.asarray(image)
    if arr.shape[-1] not in (1, 3):
        raise ValueError(f"EncodeJpegVariableQuality: image must have 1 or 3 channels, got {arr.shape[-1]}")
    buffer = io.BytesIO()
    pillow().fromarray(np.ascontiguousarray(arr[:, :, 0] if arr.shape[-1] == 1 else arr)).save(
        buffer, format="JPEG", quality=q)
    return np.array(buffer.getvalue(), dtype=object)


register(OpDef("EncodeJpegVariableQuality", _encode_quality_infer, _encode_jpeg_variable_quality,
               differentiable=False))


# ---- GIF -------------------------------------------------------------------------------------------------------
def _sub_blocks(data: bytes, pos: int) -> int:
    """Position after the data sub-blocks starting at pos."""
    while True:
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _gif_frames(data: bytes):
    """The logical screen (height, width) and, per image, (rect, colour table, transparent index or None,
    LZW min code size + data sub-blocks, interlaced) from the GIF's block structure."""
    width, height, packed = struct.unpack_from("<HHB", data, 6)
    pos = 13
    global_table = None
    if packed & 0x80:
        n = 3 << ((packed & 7) + 1)
        global_table, pos = data[pos:pos + n], pos + n
    frames, transparent = [], None
    while pos < len(data) and data[pos] != 0x3B:
        block = data[pos]
        if block == 0x21:
            if data[pos + 1] == 0xF9 and data[pos + 2] >= 4:
                flags, index = data[pos + 3], data[pos + 6]
                transparent = index if flags & 1 else None
            pos = _sub_blocks(data, pos + 2)
        elif block == 0x2C:
            left, top, w, h, flags = struct.unpack_from("<HHHHB", data, pos + 1)
            pos += 10
            table = global_table
            if flags & 0x80:
                n = 3 << ((flags & 7) + 1)
                table, pos = data[pos:pos + n], pos + n
            end = _sub_blocks(data, pos + 1)
            frames.append(((top, left, h, w), table, transparent, data[pos:end], bool(flags & 0x40),
                           flags & 0x87))
            transparent, pos = None, end
        else:
            raise ValueError(f"unknown block 0x{block:02x} at byte {pos}")
    return (height, width), frames


def _frame_indices(rect, table, lzw, flags) -> np.ndarray:
    """One frame's colour indices: Pillow decodes its LZW data as a GIF of that frame alone (no
    transparency, no disposal: compositing is TensorFlow's, below)."""
    _, _, h, w = rect
    size_bits = (len(table) // 3).bit_length() - 2
    one = (b"GIF89a" + struct.pack("<HHBBB", w, h, 0x80 | size_bits, 0, 0) + table
           + b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, flags & 0x40) + lzw + b"\x3b")
    image = pillow().open(io.BytesIO(one))
    image.load()
    indices = np.asarray(image)
    if image.mode not in ("P", "L") or indices.shape != (h, w):
        raise ValueError("a frame did not decode to colour indices")
    return indices


def _gif_infer(contents):
    _scalar_string(contents, "DecodeGif")
    return [Spec(TensorShape([None, None, None, 3]), dtypes.uint8)]


def _decode_gif(contents):
    """uint8 [frames, height, width, 3]: each frame drawn over the one before (the first over black), its
    transparent pixels keeping what is under them; disposal methods are ignored, as TensorFlow does. JPEG and
    PNG data decode to one frame, as TensorFlow's DecodeGif allows."""
    data = _bytes(contents)
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        if data[:2] == b"\xff\xd8":
            return jpeg_pixels(data, 3, "", True, 1, "DecodeGif")[None]
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return np.asarray(pillow().open(io.BytesIO(data)).convert("RGB"), np.uint8)[None]
        raise ValueError(f"DecodeGif: the data is not a GIF (size {len(data)}, starts with {data[:4]!r}); "
                         "use decode_image for other formats")
    try:
        (height, width), frames = _gif_frames(data)
    except (struct.error, IndexError, ValueError) as e:
        raise ValueError(f"DecodeGif: corrupt GIF data ({e})") from None
    if not frames:
        raise ValueError("DecodeGif: the GIF contains no image")
    out = np.zeros((len(frames), height, width, 3), np.uint8)
    for k, (rect, table, transparent, lzw, _, flags) in enumerate(frames):
        top, left, h, w = rect
        if table is None:
            raise ValueError(f"DecodeGif: frame {k} has no colour table")
        if top + h > height or left + w > width:
            raise ValueError(f"DecodeGif: frame {k} ({h}x{w} at {top},{left}) exceeds the {height}x{width} screen")
        if k:
            out[k] = out[k - 1]
        try:
            indices = _frame_indices(rect, table, lzw, flags)
        except Exception as e:  # noqa: BLE001  Pillow raises several kinds for corrupt LZW data
            raise ValueError(f"DecodeGif: corrupt image data in frame {k} ({e})") from None
        colours = np.zeros((256, 3), np.uint8)
        palette = np.frombuffer(table, np.uint8).reshape(-1, 3)
        colours[:len(palette)] = palette
        region = out[k, top:top + h, left:left + w]
        keep = indices == transparent if transparent is not None else np.zeros(indices.shape, bool)
        region[~keep] = colours[indices[~keep]]
    return out


register(OpDef("DecodeGif", _gif_infer, _decode_gif, differentiable=False))


# ---- WebP ------------------------------------------------------------------------------------------------------
def _webp_infer(contents, channels=0):
    _scalar_string(contents, "DecodeWebP")
    return [Spec(TensorShape([None, None, None, channels or None]), dtypes.uint8)]


def _decode_webp(contents, channels=0):
    """uint8 [frames, height, width, channels]: the file's channels (3, or 4 with alpha); an animation's
    frames are libwebp's composited canvases (RGBA)."""
    data = _bytes(contents)
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError(f"DecodeWebP: the data is not WebP (size {len(data)}, starts with {data[:4]!r})")
    try:
        image = pillow().open(io.BytesIO(data))
        n = getattr(image, "n_frames", 1)
        animated = n > 1
        mode = "RGBA" if animated or image.mode == "RGBA" else "RGB"
        frames = []
        for k in range(n):
            image.seek(k)
            frames.append(np.asarray(image.convert(mode), np.uint8))
    except (OSError, ValueError, EOFError) as e:
        raise ValueError(f"DecodeWebP: corrupt WebP data ({e})") from None
    file_channels = len(mode)
    if channels not in (0, file_channels):
        raise ValueError(f"DecodeWebP: {channels} channels were asked of a {file_channels}-channel "
                         f"{'animation' if animated else 'image'}; the number of channels requested must "
                         "match the file's (0 keeps it)")
    return np.stack(frames)


register(OpDef("DecodeWebP", _webp_infer, _decode_webp, differentiable=False))


# ---- JPEG XL ---------------------------------------------------------------------------------------------------
_JXL_SIGNATURES = (b"\xff\x0a", b"\x00\x00\x00\x0cJXL \r\n\x87\n")     # a bare codestream, the ISO container


def _jxl_infer(contents, channels=0):
    _scalar_string(contents, "DecodeJxl")
    return [Spec(TensorShape([None, None, channels or None]), dtypes.uint8)]


def _decode_jxl(contents, channels=0):
    """uint8 [height, width, channels]: the file's channels (1 grey, 3 RGB, 4 RGBA); asking for others is an
    error, as in TensorFlow."""
    data = _bytes(contents)
    if not data.startswith(_JXL_SIGNATURES):
        raise ValueError(f"DecodeJxl: the data is not JPEG XL (size {len(data)}, starts with {data[:4]!r})")
    try:
        import pillow_jxl  # noqa: F401  (registers the JPEG XL format with Pillow)
    except ImportError:
        raise ImportError("decoding JPEG XL needs the pillow-jxl-plugin package: pip install graphflow[image]") \
            from None
    try:
        image = pillow().open(io.BytesIO(data))
        if image.mode not in ("L", "RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        arr = np.asarray(image, np.uint8)
    except (OSError, ValueError, SyntaxError) as e:
        raise ValueError(f"DecodeJxl: corrupt JPEG XL data ({e})") from None
    arr = arr[:, :, None] if arr.ndim == 2 else arr
    if channels not in (0, arr.shape[-1]):
        raise ValueError(f"DecodeJxl: {channels} channels were asked of a {arr.shape[-1]}-channel image; the "
                         "number of channels requested must match the file's (0 keeps it)")
    return arr


register(OpDef("DecodeJxl", _jxl_infer, _decode_jxl, differentiable=False))
