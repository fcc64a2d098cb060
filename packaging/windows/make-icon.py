#!/usr/bin/env python3
"""Writes icon.ico (16, 32, 48, 64 px, 32-bit BMP entries): a cash drawer on the
Odoo purple. Run once; the .ico is committed. Standard library only."""
import struct
import sys

PURPLE = (0x71, 0x4B, 0x67, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def pixel(x, y):
    """Colour at (x, y) in a 1.0 x 1.0 square, y going down."""
    r = 0.14
    cx = min(max(x, r), 1 - r)
    cy = min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return CLEAR
    if 0.22 <= x <= 0.78 and 0.18 <= y <= 0.50:  # the receipt printer / screen
        return WHITE
    if 0.14 <= x <= 0.86 and 0.58 <= y <= 0.86:  # the drawer
        if 0.40 <= x <= 0.60 and 0.66 <= y <= 0.72:  # its handle
            return PURPLE
        return WHITE
    return PURPLE


def bmp_entry(size):
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for row in range(size - 1, -1, -1):  # bottom-up
        line = bytearray()
        for col in range(size):
            r, g, b, a = pixel((col + 0.5) / size, (row + 0.5) / size)
            line += bytes((b, g, r, a))
        rows.append(bytes(line))
    mask_row = ((size + 31) // 32) * 4
    return header + b"".join(rows) + b"\0" * (mask_row * size)


def main(path):
    sizes = [16, 32, 48, 64]
    images = [bmp_entry(s) for s in sizes]
    out = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    for s, img in zip(sizes, images):
        out += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(img), offset)
        offset += len(img)
    with open(path, "wb") as f:
        f.write(out + b"".join(images))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "icon.ico")
