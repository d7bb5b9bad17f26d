#!/usr/bin/env python3
"""Copy the Fashion-MNIST test set and cut the calibration slice.

Reads Debian's dataset-fashion-mnist package (version
0.0~git20200523.55506a9-1, files in /usr/share/datasets/fashion-mnist/) and
writes, beside this script:

- t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz: the 10,000-image test
  set, copied byte for byte.
- calibration-images-idx3-ubyte.gz, calibration-labels-idx1-ubyte.gz: the
  first COUNT images and labels of the 60,000-image training set, as IDX files
  with the header rewritten for COUNT items.

Written for and run with Python 3.11.7, standard library only. The gzip
header's modification time is fixed at 0 so that reruns give identical bytes.
"""
import gzip
import pathlib
import shutil
import struct

SOURCE = pathlib.Path("/usr/share/datasets/fashion-mnist")
TARGET = pathlib.Path(__file__).resolve().parent
COUNT = 2000


def read_idx(path):
    """Return (magic, dimensions, payload) of a gzip-compressed IDX file."""
    data = gzip.decompress(path.read_bytes())
    magic = data[:4]
    rank = magic[3]
    dimensions = list(struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank]))
    return magic, dimensions, data[4 + 4 * rank:]


def write_slice(source_name, target_name, count):
    magic, dimensions, payload = read_idx(SOURCE / source_name)
    if magic[2] != 0x08:
        raise SystemExit(f"{source_name}: expected uint8 elements, found type 0x{magic[2]:02x}")
    item_size = 1
    for size in dimensions[1:]:
        item_size *= size
    if dimensions[0] < count:
        raise SystemExit(f"{source_name}: has {dimensions[0]} items, need {count}")
    header = magic + struct.pack(">" + "I" * len(dimensions), count, *dimensions[1:])
    body = payload[:count * item_size]
    with open(TARGET / target_name, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
            out.write(header + body)


def main():
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copyfile(SOURCE / name, TARGET / name)
    write_slice("train-images-idx3-ubyte.gz", "calibration-images-idx3-ubyte.gz", COUNT)
    write_slice("train-labels-idx1-ubyte.gz", "calibration-labels-idx1-ubyte.gz", COUNT)


if __name__ == "__main__":
    main()
