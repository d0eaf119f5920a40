#!/bin/sh
# deps.sh [--install]: checks that gradbook's build and test dependencies (Debian packages) are
# present. With --install, installs the missing ones with apt-get when run as root; otherwise it
# prints the exact command to run and exits 1.
set -u
missing=""
need() { # need PACKAGE FILE...: PACKAGE is missing when none of the FILEs exists
  pkg=$1; shift
  for f in "$@"; do [ -e "$f" ] && return 0; done
  missing="$missing $pkg"
}
need gcc              /usr/bin/gcc /usr/bin/cc
need make             /usr/bin/make
need pkg-config       /usr/bin/pkg-config
need libhpdf-dev      /usr/include/hpdf.h
need zlib1g-dev       /usr/include/zlib.h
need libgsl-dev       /usr/include/gsl/gsl_deriv.h
need libcunit1-dev    /usr/include/CUnit/Basic.h
need libcmark-gfm-dev /usr/include/cmark-gfm.h
need libcmark-gfm-extensions-dev /usr/include/cmark-gfm-core-extensions.h
need libinih-dev      /usr/include/ini.h
need libcsv-dev       /usr/include/csv.h
need libjansson-dev   /usr/include/jansson.h
need fonts-dejavu-core  /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf
need fonts-dejavu-extra /usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf
need fonts-droid-fallback /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
need poppler-utils    /usr/bin/pdftotext
need python3          /usr/bin/python3
need fonttools        /usr/lib/python3/dist-packages/fontTools/__init__.py
[ -z "$missing" ] && exit 0

cmd="apt-get update && apt-get install -y --no-install-recommends$missing"
echo "gradbook: missing Debian packages:$missing" >&2
if [ "${1:-}" = "--install" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "gradbook: installing them: $cmd" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >&2 && exit 0
  echo "gradbook: apt-get failed; run as root: $cmd" >&2
  exit 1
fi
echo "gradbook: install them first, as root:" >&2
echo "    $cmd" >&2
exit 1
