# adoption: PGXS build
EXTENSION   = adoption
EXTVERSION  = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" adoption.control)
MODULE_big  = adoption
OBJS        = $(patsubst %.c,%.o,$(wildcard src/*.c src/activity/*.c))
# sql/ holds the extension's scripts only.  The install script of the
# current version is built from one source, sql/$(EXTENSION).sql; the base
# install script of the first release (sql/$(EXTENSION)--0.1.0.sql) and the
# update scripts (sql/$(EXTENSION)--OLD--NEW.sql) are committed and never
# edited again.  Every other released version installs as the base script
# plus the update steps up to it (CREATE EXTENSION ... VERSION finds the path)
DATA_built  = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA        = $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*.sql))
# -Wextra on top of PGXS's -Wall (the build must be free of both), with the
# server headers as system headers: -Wextra warns about their unused
# parameters, which are not ours to fix
PG_CFLAGS  += -Wextra
PG_CPPFLAGS = -I$(srcdir)/src -isystem $(shell $(PG_CONFIG) --includedir-server)
# Only the SQL entry points (and the module's magic block) are exported from
# the shared library: everything else is hidden, so that no internal name can
# clash with the server's or another library's.  PostgreSQL 16 and later
# build modules so by default; PGDLLEXPORT, which fmgr.h puts on every
# PG_FUNCTION_INFO_V1 declaration, is what marks the exported names.
PG_CFLAGS  += -fvisibility=hidden
PG_CPPFLAGS += -D'PGDLLEXPORT=__attribute__((visibility("default")))'

# pg_regress inputs are test/regress/sql/NAME.sql, expected output
# test/regress/expected/NAME.out (results/ and regression.diffs are written
# at the top, pg_regress's default output directory; there must be no
# top-level expected/: PostgreSQL 15's pg_regress looks there first)
REGRESS      = $(sort $(patsubst test/regress/sql/%.sql,%,$(wildcard test/regress/sql/*.sql)))
REGRESS_OPTS = --inputdir=test/regress --load-extension=$(EXTENSION)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every object depends on the shared headers (PGXS does not track them)
$(OBJS): $(wildcard $(srcdir)/src/*.h $(srcdir)/src/activity/*.h)

$(DATA_built): sql/$(EXTENSION).sql adoption.control
	cp $< $@

# make dist: the PGXN release archive $(EXTENSION)-$(EXTVERSION).zip, made
# from the committed tree (HEAD) by git archive; .gitattributes names the
# development-only files it leaves out; the built install script is added
DISTFILE = $(EXTENSION)-$(EXTVERSION).zip
.PHONY: dist
dist: $(DATA_built)
	git archive --format=zip --prefix=$(EXTENSION)-$(EXTVERSION)/sql/ --add-file=$(DATA_built) \
		--prefix=$(EXTENSION)-$(EXTVERSION)/ -o $(DISTFILE) HEAD
