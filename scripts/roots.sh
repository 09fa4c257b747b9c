# Shared by scripts/package and scripts/test-package: minimal Debian roots made by mmdebstrap from the Debian
# mirror apt uses, cached as tars (one per kind and day) so repeated runs take no time. Sourced, not run.

# root_tar KIND: prints the path of a root tar of KIND, making it first when today's is missing:
#   image   libc6 and what it depends on, extracted only (no dpkg, no shell): the base of the OCI image
#   clean   Debian's apt variant (dpkg, apt, bash; no Java): where the tarball is unpacked and run
#   man     clean plus man-db and bash-completion: where the .deb is installed and its man page looked up
# NSTRACE_ROOT_CACHE sets the cache directory (default /var/cache/nstrace-ci).
root_tar() {
    local kind=$1 cache=${NSTRACE_ROOT_CACHE:-/var/cache/nstrace-ci} args key tar
    case $kind in
        image) args=(--variant=extract --include=libc6) ;;
        clean) args=(--variant=apt) ;;
        man) args=(--variant=apt --include=man-db,bash-completion) ;;
        *) echo "root_tar: unknown root kind '$kind'" >&2; return 2 ;;
    esac
    command -v mmdebstrap >/dev/null || { echo "mmdebstrap is needed: apt-get install mmdebstrap" >&2; return 3; }
    key=$(printf '%s\n' "${args[@]}" | sha256sum | cut -c1-8)
    tar=$cache/bookworm-$kind-$key-$(date +%Y%m%d).tar
    mkdir -p "$cache"
    (
        flock 9 # two runs at once make the root once
        if [ ! -s "$tar" ]; then
            rm -f "$cache/bookworm-$kind-"*.tar
            echo "mmdebstrap: making the $kind root ($tar)" >&2
            mmdebstrap --quiet --format=tar "${args[@]}" bookworm "$tar.part" >&2 || { rm -rf "$tar.part"; exit 1; }
            mv "$tar.part" "$tar"
        fi
    ) 9> "$cache/.lock-$kind" || { echo "mmdebstrap failed to make the $kind root" >&2; return 1; }
    echo "$tar"
}
