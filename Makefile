# gradbook — literate workbook generator for the basics of neural networks.
#
#   make            build ./gradbook
#   make report     write out/report.pdf
#   make test       unit tests (CUnit) + end-to-end checks
#   make asan       the whole test suite under AddressSanitizer + UBSan (same as SANITIZE=1 make test)
#   make bench      benchmarks (print figures, assert nothing)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Missing Debian packages are installed by `make deps` (as root) or named with the exact command.

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= out/build
OPT     ?= -O2
SANITIZE ?=

PKGS    := gsl libcmark-gfm cunit jansson inih
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -DGB_DATADIR=\"$(PREFIX)/share/gradbook\" $(WARN) $(CFLAGS) -MMD -MP -Isrc \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  = -lhpdf -lz -lcsv $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

ifeq ($(SANITIZE),1)
  override BUILD := $(BUILD)-asan
  CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=address,undefined
endif

SRC       := $(sort $(wildcard src/*.c src/*/*.c))
LIB_SRC   := $(filter-out src/main.c,$(SRC))
OBJ       := $(SRC:%.c=$(BUILD)/%.o)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC  := $(sort $(wildcard tests/test_*.c)) tests/run_tests.c tests/gb_test.c tests/ref_mlp.c
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/registry.o
BIN       := $(if $(filter 1,$(SANITIZE)),$(BUILD)/gradbook,gradbook)
TEST_BIN  := $(BUILD)/run_tests
DEPS_OK   := out/.deps-ok

.PHONY: all deps fonts report test unit e2e asan bench install uninstall clean
all: $(BIN) fonts

# The faces the templates use, prepared from the Debian fonts by scripts/make-fonts.py: a cmap of
# a few segments (libharu looks up every BMP code point per font and document) and, for DejaVu,
# the glyphs of the scripts documents use. Templates name out/fonts/*.ttf.
FONT_DIR  := /usr/share/fonts/truetype/dejavu
FONTS     := DejaVuSerif DejaVuSerif-Italic DejaVuSerif-Bold DejaVuSansMono DejaVuMathTeXGyre
FONT_OUT  := $(FONTS:%=out/fonts/%.ttf) out/fonts/DejaVuSerif-Wide.ttf
fonts: $(FONT_OUT)
# The wide face: every glyph of DejaVu Serif (the scripts the lean faces leave out), few segments.
out/fonts/DejaVuSerif-Wide.ttf: scripts/make-fonts.py | $(DEPS_OK)
	@mkdir -p $(@D)
	/usr/bin/python3 scripts/make-fonts.py $(FONT_DIR)/DejaVuSerif.ttf $@.tmp --rename "DejaVu Serif Wide" \
	  && mv $@.tmp $@
FONT_PROFILE = $(if $(findstring Mono,$*),mono,$(if $(findstring Math,$*),math,text))
out/fonts/%.ttf: scripts/make-fonts.py | $(DEPS_OK)
	@mkdir -p $(@D)
	/usr/bin/python3 scripts/make-fonts.py $(FONT_DIR)/$*.ttf $@.tmp --subset=$(FONT_PROFILE) && mv $@.tmp $@

# Dependency check: runs once per checkout (and again when the script changes).
$(DEPS_OK): scripts/deps.sh
	@sh scripts/deps.sh --install
	@mkdir -p $(@D) && touch $@
deps:
	@sh scripts/deps.sh --install && mkdir -p out && touch $(DEPS_OK)

$(BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BIN): $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Every tests/test_*.c declares its suites with GB_TEST_SUITE(name); the registry is generated.
$(BUILD)/tests/registry.c: $(filter tests/test_%.c,$(TEST_SRC)) tests/gen_registry.sh
	@mkdir -p $(@D)
	sh tests/gen_registry.sh $(filter tests/test_%.c,$(TEST_SRC)) > $@
$(BUILD)/tests/registry.o: $(BUILD)/tests/registry.c
	$(CC) $(ALL_CFLAGS) -Itests -c $< -o $@

$(TEST_BIN): $(LIB_OBJ) $(TEST_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

report: $(BIN) fonts
	./$(BIN) report -o out/report.pdf

unit: $(TEST_BIN) $(BIN) fonts
	GB_ROOT=$(CURDIR) $(TEST_BIN)

e2e: $(BIN) fonts
	GB_ROOT=$(CURDIR) GRADBOOK=$(CURDIR)/$(BIN) sh tests/e2e/run.sh

test: unit e2e

asan:
	$(MAKE) SANITIZE=1 test

bench: $(BIN) fonts
	GRADBOOK=$(CURDIR)/$(BIN) sh tests/bench.sh

install: $(BIN) fonts
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/gradbook/out/fonts
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/gradbook
	cp -R chapters templates $(DESTDIR)$(PREFIX)/share/gradbook/
	install -m 644 $(FONT_OUT) $(DESTDIR)$(PREFIX)/share/gradbook/out/fonts/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/gradbook
	rm -rf $(DESTDIR)$(PREFIX)/share/gradbook

clean:
	rm -rf out/build out/build-asan out/fonts gradbook

-include $(OBJ:.o=.d) $(TEST_OBJ:.o=.d)

# Build and run the tests of one module alone (for work on a module while others are in flux):
#   make module-test BUILD=out/build-me MOD_SRC="src/util/diag.c src/numerics/activation.c" \
#        MOD_TESTS="tests/test_activation.c"
MOD_SRC   ?=
MOD_TESTS ?=
MOD_OBJ    = $(MOD_SRC:%.c=$(BUILD)/%.o) $(MOD_TESTS:%.c=$(BUILD)/%.o) \
             $(BUILD)/tests/run_tests.o $(BUILD)/tests/gb_test.o $(BUILD)/tests/ref_mlp.o \
             $(BUILD)/tests/mod_registry.o
.PHONY: module-test
$(BUILD)/tests/mod_registry.c: $(MOD_TESTS) FORCE
	@mkdir -p $(@D)
	sh tests/gen_registry.sh $(MOD_TESTS) > $@
$(BUILD)/tests/mod_registry.o: $(BUILD)/tests/mod_registry.c
	$(CC) $(ALL_CFLAGS) -Itests -c $< -o $@
module-test: $(MOD_OBJ)
	$(CC) $(LDFLAGS) -o $(BUILD)/mod_tests $(MOD_OBJ) $(LDLIBS)
	GB_ROOT=$(CURDIR) $(BUILD)/mod_tests
FORCE:
