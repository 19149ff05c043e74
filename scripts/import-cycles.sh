#!/usr/bin/env bash
# Fails if two modules of gaap-runtime's `client/` or `wire/` import each other, directly or
# through others (issue 9: "no module imports another that imports it back").
#
# Edges are read from the code outside `#[cfg(test)]` modules and doc comments: a child's
# `super::sibling` is an edge to that sibling, any other `super::Item` (an item of `mod.rs`) an
# edge to the parent; the parent's `child::…` paths are edges to its children. `tsort` finds the
# cycles. Prints the edges, then "no import cycle" or the cycle.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for dir in gaap-runtime/src/client gaap-runtime/src/wire; do
    modules=$(for f in "$dir"/*.rs; do basename "$f" .rs; done | grep -vx mod)
    edges=$(
        for f in "$dir"/*.rs; do
            from=$(basename "$f" .rs)
            # Code only: stop at the test module, drop comments.
            if [ "$from" = mod ]; then
                pattern='\b[a-z_]+::'
            else
                pattern='\bsuper::(\{[^}]*\}|[A-Za-z_]+)'
            fi
            sed '/^#\[cfg(test)\]/,$d' "$f" | sed 's://.*$::' | tr '\n' ' ' | tr ';' '\n' |
                { grep -oE "$pattern" || true; } | while read -r path; do
                    if [ "$from" = mod ]; then
                        name=${path%%::*}
                        echo "$modules" | grep -qx "$name" && echo "mod $name"
                    else
                        case "$path" in super::*) ;; *) continue ;; esac
                        rest=${path#super::}
                        rest=${rest#\{}
                        for item in $(echo "$rest" | tr ',{}' '   '); do
                            name=${item%%::*}
                            if echo "$modules" | grep -qx "$name"; then
                                [ "$name" != "$from" ] && echo "$from $name"
                            else
                                echo "$from mod"
                            fi
                        done
                    fi
                done
        done | sort -u
    )
    echo "== $dir"
    echo "$edges" | sed 's/ / -> /'
    if ! echo "$edges" | tsort >/dev/null 2>/tmp/import-cycles.$$; then
        cat /tmp/import-cycles.$$
        status=1
    else
        echo "no import cycle"
    fi
    rm -f /tmp/import-cycles.$$
done
exit $status
