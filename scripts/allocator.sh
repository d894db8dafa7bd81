# Sourced by main.sh and test.sh: run Python with tcmalloc when the system has it.
# On 2 CPU cores a SmolLM2 LoRA step with glibc's malloc spends about as long in the kernel (fresh pages
# for each step's activations) as in computing; tcmalloc keeps that memory and makes steps ~1.3x faster.
# setup.sh installs it where it can (Debian/Ubuntu: libtcmalloc-minimal4); HARNESS_MALLOC=system opts out.
if [ "${HARNESS_MALLOC:-tcmalloc}" = tcmalloc ]; then
  for lib in /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 /usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4 \
             /usr/lib64/libtcmalloc_minimal.so.4 /usr/lib/libtcmalloc_minimal.so.4; do
    if [ -e "$lib" ]; then
      case ":${LD_PRELOAD:-}:" in *":$lib:"*) ;; *) export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}" ;; esac
      break
    fi
  done
fi
