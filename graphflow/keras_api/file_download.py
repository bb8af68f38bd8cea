"""keras.utils.get_file: fetch a file once into the Keras cache (`~/.keras/datasets` by default),
check its hash, and optionally unpack a tar or zip archive beside it.

The download is written to a temporary file and moved into place only when complete (so an
interrupted download never looks cached), with the permissions the umask gives; an archive is
unpacked into a temporary directory that is renamed into place the same way.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile

from ..atomic_file import atomic_writer, current_umask
from . import config
from .progbar import Progbar

_CHUNK = 1 << 16


def resolve_hasher(algorithm: str, file_hash: str | None = None):
    """sha256 when asked, or for "auto" with a 64-hex-digit hash; md5 otherwise (as Keras)."""
    if algorithm not in ("auto", "sha256", "md5"):
        raise ValueError(f"hash_algorithm must be 'auto', 'sha256' or 'md5', got {algorithm!r}")
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm: str = "sha256") -> str:
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash: str, algorithm: str = "auto") -> bool:
    return hash_file(fpath, resolve_hasher(algorithm, file_hash)) == str(file_hash)


def _download(origin: str, target: str) -> None:
    config.print_msg(f"Downloading data from {origin}")
    try:
        with urllib.request.urlopen(origin) as response, atomic_writer(target, durable=False) as out:
            total = response.headers.get("Content-Length")
            bar = Progbar(int(total) if total else None, unit_name="byte")
            done = 0
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                out.write(chunk)
                done += len(chunk)
                bar.update(done)
            bar.update(done, finalize=True)
    except urllib.error.HTTPError as e:
        raise Exception(f"URL fetch failure on {origin}: {e.code} -- {e.msg}") from e
    except urllib.error.URLError as e:
        raise Exception(f"URL fetch failure on {origin}: {e.errno} -- {e.reason}") from e


def _archive_kind(file_path: str, archive_format) -> str | None:
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for kind in formats:
        if kind not in ("tar", "zip"):
            raise NotImplementedError(f"archive_format {kind!r}: only 'tar' and 'zip' are supported")
        if (tarfile.is_tarfile if kind == "tar" else zipfile.is_zipfile)(file_path):
            return kind
    return None


def extract_archive(file_path, path=".", archive_format="auto") -> bool:
    """Unpack a tar (any compression) or zip archive into `path`; False if it is neither.

    Members that would land outside `path` (absolute names, `..`, links leaving it) are refused.
    """
    if archive_format is None:
        return False
    file_path, path = os.fspath(file_path), os.fspath(path)
    kind = _archive_kind(file_path, archive_format)
    if kind is None:
        return False
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(dir=parent, prefix=f".tmp-{os.path.basename(path)}-")
    try:
        if kind == "tar":
            with tarfile.open(file_path) as archive:
                archive.extractall(staging, filter="data")
        else:
            with zipfile.ZipFile(file_path) as archive:
                archive.extractall(staging)        # zipfile drops absolute and `..` parts of names
        os.chmod(staging, 0o777 & ~current_umask())       # mkdtemp's directory is 0o700
        if os.path.isdir(path):
            shutil.rmtree(path)
        os.replace(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True


def _targets(fname: str, datadir: str, extract: bool, named: bool) -> tuple[str, str | None]:
    """(download path, extraction directory) as Keras 3 names them."""
    if not extract:
        return os.path.join(datadir, fname), None
    if named and "." in fname:         # fname="data.tar.gz": the archive keeps it, data_extracted/ holds its files
        return os.path.join(datadir, fname), os.path.join(datadir, f"{fname[:fname.find('.')]}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """Download `origin` (http(s), ftp or file:// URL) into `cache_dir/cache_subdir` unless it is there already
    with the right hash, and return its path (or, with `extract=True`, the directory it was unpacked into).

    Args:
        fname: file name in the cache (default: the URL's last path part); not a path.
        origin: the URL.
        file_hash: expected md5 or sha256 hex digest; a cached file that does not match is downloaded again,
            a download that does not match is an error.
        hash_algorithm: "md5", "sha256" or "auto" (sha256 for a 64-digit hash).
        extract / untar: unpack a tar or zip archive (`archive_format`: "auto", "tar", "zip" or a list).
        cache_dir: default `$KERAS_HOME` or `~/.keras` (`/tmp/.keras` when that is not writable).
        force_download: download even when a good copy is cached.
    Raises:
        ValueError: no origin, a path as fname, or a downloaded file with the wrong hash.
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(os.fspath(cache_dir) if cache_dir is not None else config.keras_home())
    if not os.access(base, os.W_OK) and (os.path.exists(base) or not os.access(os.path.dirname(base) or ".",
                                                                                os.W_OK)):
        base = os.path.join(tempfile.gettempdir(), ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    named = bool(fname)
    fname = os.fspath(fname) if fname else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. Please specify the "
                         "`fname` argument.")
    if os.sep in fname:
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the file's parent "
                         f"directory, use the `cache_dir` argument. Received: fname={fname}")
    extract = extract or untar
    target, extraction_dir = _targets(fname, datadir, extract, named)
    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
        config.print_msg(f"A local file was found, but it seems to be incomplete or outdated because the "
                         f"{hash_algorithm} file hash does not match the original value of {file_hash} so we "
                         "will re-download the data.")
        download = True
    if download:
        _download(origin, target)
        if file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
            os.remove(target)
            raise ValueError(f"Incomplete or corrupted file detected. The {hash_algorithm} file hash does not match "
                             f"the provided value of {file_hash}.")
    if not extract:
        return target
    if download or not os.path.isdir(extraction_dir):
        if not extract_archive(target, extraction_dir, "tar" if untar else archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
    return extraction_dir
