#!/usr/bin/env bash
# Packaging: META.json agrees with adoption.control, and `make dist` gives a
# PGXN archive adoption-VERSION.zip of the committed tree (HEAD) that holds
# what a release needs, leaves out development-only files, and builds on
# its own against pg_config.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
bash test/install-deps git unzip python3

fail() { echo "FAIL: $*" >&2; exit 1; }

version="$(sed -n "s/^default_version = '\(.*\)'$/\1/p" adoption.control)"
[[ -n "$version" ]] || fail "no default_version in adoption.control"
echo "adoption.control: default_version $version"

# --- META.json --------------------------------------------------------------
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
PROVIDES_FILE="$tmp/provides" python3 - "$version" <<'PY' || fail "META.json"
import json, os, re, sys
version = sys.argv[1]
with open("META.json") as f:
    meta = json.load(f)
errors = []
for key in ("name", "abstract", "description", "version", "maintainer",
            "license", "provides", "meta-spec", "prereqs", "tags"):
    if key not in meta:
        errors.append("missing key %r" % key)
if meta.get("name") != "adoption":
    errors.append("name is %r, not 'adoption'" % meta.get("name"))
if meta.get("meta-spec", {}).get("version") != "1.0.0":
    errors.append("meta-spec version is not 1.0.0")
if meta.get("version") != version:
    errors.append("version %r differs from adoption.control's %r" % (meta.get("version"), version))
provides = meta.get("provides", {})
if list(provides) != ["adoption"]:
    errors.append("provides %r, expected exactly 'adoption'" % list(provides))
for name, p in provides.items():
    if p.get("version") != version:
        errors.append("provides.%s.version %r differs from adoption.control's %r"
                      % (name, p.get("version"), version))
    # the file (the install script, possibly built) is looked for in the archive
    if not p.get("file"):
        errors.append("provides.%s.file missing" % name)
    if "docfile" in p and not os.path.isfile(p["docfile"]):
        errors.append("provides.%s.docfile: no file %s" % (name, p["docfile"]))
    if p.get("file") and version not in os.path.basename(p["file"]):
        errors.append("provides.%s.file %s is not the install script of %s" % (name, p["file"], version))
pg = meta.get("prereqs", {}).get("runtime", {}).get("requires", {}).get("PostgreSQL")
if pg != "13.0.0":
    errors.append("prereqs.runtime.requires.PostgreSQL is %r, expected '13.0.0'" % pg)
if meta.get("license") != "postgresql" or not os.path.isfile("LICENSE"):
    errors.append("license must be 'postgresql' with a LICENSE file")
for k, v in meta.get("resources", {}).items():
    url = v.get("url") or v.get("web") if isinstance(v, dict) else v
    if url and not re.match(r"^https?://", url):
        errors.append("resources.%s is not a URL" % k)
if not isinstance(meta.get("tags"), list) or not meta["tags"]:
    errors.append("tags must be a non-empty list")
for e in errors:
    print("META.json: " + e, file=sys.stderr)
if errors:
    sys.exit(1)
with open(os.environ["PROVIDES_FILE"], "w") as f:
    f.write(provides["adoption"]["file"])
PY
echo "META.json: valid, version $version"

# --- make dist ----------------------------------------------------------------
# root may run this over a tree owned by another user: let git read it
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0="$ROOT"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "not a git work tree: make dist (git archive) cannot run here"
    exit 1
fi
zip="$tmp/adoption-$version.zip"
[[ "$(make -s -n dist)" == *"-o adoption-$version.zip HEAD"* ]] \
    || fail "make dist does not write adoption-$version.zip"
make -s dist DISTFILE="$zip"
[[ -s "$zip" ]] || fail "make dist wrote no archive"
echo "make dist: $(stat -c %s "$zip") bytes, $(unzip -Z1 "$zip" | grep -vc '/$') files"

unzip -Z1 "$zip" >"$tmp/list"
prefix="adoption-$version/"
if grep -qv "^$prefix" "$tmp/list"; then
    grep -v "^$prefix" "$tmp/list" | head >&2
    fail "archive entries outside $prefix"
fi
for f in META.json LICENSE README.md Makefile adoption.control \
         "$(cat "$tmp/provides")" doc/reference.md; do
    grep -qxF "$prefix$f" "$tmp/list" || fail "archive lacks $f"
done
for d in src sql; do
    grep -q "^$prefix$d/..*" "$tmp/list" || fail "archive lacks $d/"
done
# every tracked source file and extension script is in it
while read -r f; do
    grep -qxF "$prefix$f" "$tmp/list" || fail "archive lacks $f"
done < <(git ls-files src sql)
for f in .ci/run .gitignore .gitattributes; do
    if grep -qxF "$prefix$f" "$tmp/list"; then fail "archive holds development-only $f"; fi
done

# --- the archive builds on its own --------------------------------------------
unzip -q "$zip" -d "$tmp/unpacked"
PG_CONFIG="${PG_CONFIG:-pg_config}"
make -s -C "$tmp/unpacked/adoption-$version" -j2 PG_CONFIG="$PG_CONFIG" >"$tmp/build.log" 2>&1 \
    || { cat "$tmp/build.log"; fail "the unpacked archive does not build"; }
[[ -f "$tmp/unpacked/adoption-$version/adoption.so" ]] || fail "the build made no adoption.so"
if grep -q 'warning:' "$tmp/build.log"; then
    cat "$tmp/build.log"
    fail "compiler warnings building the archive"
fi
echo "the unpacked archive builds against $("$PG_CONFIG" --version)"
echo "ok"
