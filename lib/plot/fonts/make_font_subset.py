"""Makes lib/plot/fonts/dejavu_sans_subset.ttf from Debian's fonts-dejavu-core.

The PNG renderer (resvg) needs a font that is there on every machine, offline. DejaVu Sans is
free (Bitstream Vera license + public-domain DejaVu changes, see dejavu_license.txt); the full
file is 760 KB, so we keep the glyphs plots use: Latin, Greek, punctuation, math signs,
super/subscripts. The name has neither "Bitstream" nor "Vera", as the license asks of
modified fonts.

Run with Debian's Python (it has fontTools):
    /usr/bin/python3 lib/plot/fonts/make_font_subset.py
"""

from pathlib import Path

from fontTools import subset

SOURCE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TARGET = Path(__file__).with_name("dejavu_sans_subset.ttf")

UNICODES = [
    "U+0020-007E",  # ASCII
    "U+00A0-00FF",  # Latin-1: ±, ×, ·, µ, °, ², ³
    "U+0391-03A9",  # Greek capitals
    "U+03B1-03C9",  # Greek small: α, β, ε, λ, σ, η
    "U+2010-2027",  # dashes, quotes, bullet, ellipsis
    "U+2030-2033",  # per mille, primes
    "U+2070-209F",  # superscripts and subscripts
    "U+2190-2193",  # arrows
    "U+2202,U+2207,U+2211,U+2212,U+221A,U+221E,U+2248,U+2260,U+2264,U+2265,U+22C5",  # math
]

options = subset.Options()
options.hinting = False  # resvg does not hint; hinting tables are half the file
options.layout_features = ["kern", "liga"]
options.name_IDs = ["*"]  # keep the copyright and license strings
font = subset.load_font(SOURCE, options)
subsetter = subset.Subsetter(options)
subsetter.populate(unicodes=subset.parse_unicodes(",".join(UNICODES)))
subsetter.subset(font)
subset.save_font(font, str(TARGET), options)
print(TARGET, TARGET.stat().st_size, "bytes")
