# Shared by the shell tests (sourced, not run): a jq check that can fail.
# Debian 12's jq 1.6 exits 0 from `jq -e` when its input holds no JSON value
# at all: an empty file, or one that starts with a NUL byte (its fix for
# CVE-2025-48060 ends the input at the first NUL). A bare `jq -e EXPR FILE`
# therefore passes on an empty or binary file; jq_true does not.

# jq_true [jq options] EXPR [FILE...]: true when jq printed a value and the
# last one was neither false nor null.
jq_true() {
	local out
	out=$(jq -e "$@") && [ -n "$out" ]
}
