#!/usr/bin/python3
"""make-fonts.py SRC.ttf OUT.ttf [--subset[=text|mono|math]] [--rename NAME]: prepares a TrueType font for gradbook's PDFs.

libharu 2.3.0 builds, for every UTF-8 font of every document, a CID-to-glyph map by looking up
all 65,536 BMP code points in the font's cmap, each look-up a linear scan of the cmap's format-4
segments (HPDF_TTFontDef_GetGlyphid). DejaVu's cmaps have 140-180 segments, so each face costs
tens of millions of instructions per document (shared/LIBRARIES.md: "what a document costs").
This script rewrites the cmap so that the code points between the first and last mapped ones in
each block of the BMP map explicitly to glyph 0 (.notdef) where the font has no glyph: the same
mapping, in a handful of segments. gradbook treats glyph 0 as "no glyph" exactly as before.

With --subset, glyphs outside the scripts the face sets are dropped first (pyftsubset; RANGES),
making the font smaller and cheaper to embed (libharu reads and copies the whole font file for
every document); characters outside these are drawn from the wide face, then the fallback face.
Without --subset the font keeps every glyph (the wide face)."""
import sys
from fontTools import subset
from fontTools.ttLib import TTFont

# The scripts a face sets itself: the text faces Latin, Greek, punctuation and the symbols of the
# chapters (names in other scripts come from the wide face, a full DejaVu Serif, and CJK from the
# fallback face: a document pays for those only when it shows such a name); the monospaced face
# code listings and variant keys; the math face operators, arrows and delimiters.
RANGES = {
    "text": [(0x0000, 0x024F), (0x02B0, 0x036F), (0x0370, 0x03FF), (0x2000, 0x206F),
             (0x2070, 0x209F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x22FF),
             (0xFB00, 0xFB06), (0xFFFD, 0xFFFD)],
    "mono": [(0x0000, 0x017F), (0x2000, 0x206F), (0x2190, 0x21FF), (0xFFFD, 0xFFFD)],
    "math": [(0x0000, 0x007F), (0x00A0, 0x00FF), (0x0370, 0x03FF), (0x2000, 0x23FF),
             (0x25A0, 0x25FF), (0x27C0, 0x27FF), (0x2900, 0x2AFF), (0xFFFD, 0xFFFD)],
}
# Gaps up to this many code points are filled with .notdef; larger ones start a new segment.
MAX_GAP = 4096


def format4_cmap(runs, glyph):
    """A cmap table with one (3, 1) format-4 subtable: one segment per run, every code point of
    a run listed in glyphIdArray (0 where the font has no glyph), and the final 0xFFFF segment."""
    import struct
    from fontTools.ttLib.tables.DefaultTable import DefaultTable
    segs = runs + [[0xFFFF, 0xFFFF]]
    n = len(segs)
    ends, starts, deltas, offsets, ids = [], [], [], [], []
    for i, (a, b) in enumerate(segs):
        starts.append(a)
        ends.append(b)
        if a == 0xFFFF:
            deltas.append(1)
            offsets.append(0)
            continue
        deltas.append(0)
        # idRangeOffset: bytes from this entry of idRangeOffset[] to the run's first glyph id.
        offsets.append(2 * (n - i) + 2 * len(ids))
        ids.extend(glyph.get(c, 0) for c in range(a, b + 1))
    search = 2 ** (n.bit_length() - 1)
    body = struct.pack(">HHHH", 2 * n, 2 * search, search.bit_length() - 1, 2 * n - 2 * search)
    body += struct.pack(">%dH" % n, *ends) + b"\0\0" + struct.pack(">%dH" % n, *starts)
    body += struct.pack(">%dh" % n, *deltas) + struct.pack(">%dH" % n, *offsets)
    body += struct.pack(">%dH" % len(ids), *ids)
    length = 6 + len(body)
    if length > 0xFFFF:
        raise SystemExit("make-fonts: the cmap would exceed 64 KB; use --subset")
    sub = struct.pack(">HHH", 4, length, 0) + body
    data = struct.pack(">HH", 0, 1) + struct.pack(">HHI", 3, 1, 12) + sub
    table = DefaultTable("cmap")
    table.data = data
    return table


def main():
    src, out = sys.argv[1], sys.argv[2]
    # The source font's head.modified is kept: a fresh timestamp would make every build's fonts, and
    # so every PDF, differ from the last (reproducible output)
    font = TTFont(src, recalcTimestamp=False)
    profile = next((a.split("=", 1)[1] for a in sys.argv[3:] if a.startswith("--subset=")),
                   "text" if "--subset" in sys.argv[3:] else None)
    if profile:
        opts = subset.Options()
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        opts.glyph_names = True
        opts.hinting = False
        opts.drop_tables += ["FFTM"]
        unicodes = [c for a, b in RANGES[profile] for c in range(a, b + 1)]
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=unicodes)
        sub.subset(font)
    cmap = font.getBestCmap()
    order = font.getGlyphOrder()
    gid = {name: i for i, name in enumerate(order)}
    bmp = sorted(c for c in cmap if c < 0xFFFF)
    # Runs of code points, gaps up to MAX_GAP filled with glyph 0.
    runs = []
    for c in bmp:
        if runs and c - runs[-1][1] <= MAX_GAP:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    font["cmap"] = format4_cmap(runs, {c: gid[cmap[c]] for c in bmp})
    # --rename NAME: a font name of its own. libharu identifies fonts by name, so the wide face
    # (all of DejaVu Serif) must not be called like the lean DejaVu Serif it stands beside.
    if "--rename" in sys.argv[3:]:
        name = sys.argv[sys.argv.index("--rename") + 1]
        table = font["name"]
        for rec in list(table.names):
            if rec.nameID in (1, 3, 4, 6, 16):
                table.setName(name if rec.nameID != 6 else name.replace(" ", ""), rec.nameID,
                              rec.platformID, rec.platEncID, rec.langID)
    # What libharu copies into every PDF whole (it subsets only glyf/loca): no glyph names (a
    # CID font never uses them; post format 3) and no long licence text (name ID 13; the
    # copyright, ID 0, and the licence URL, ID 14, stay), ~40 % of each embedded program.
    font["post"].formatType = 3.0
    font["name"].names = [r for r in font["name"].names if r.nameID != 13]
    font.save(out)


if __name__ == "__main__":
    main()
