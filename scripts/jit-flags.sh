# Sourced by the launcher and scripts/bench, so that a benchmark compiles what a user's run compiles:
# sets jit_flags to the JIT's compile commands (docs/KERNELS.md, "Start-up").
# - VectorElementwise's loops are C2-compiled after a twentieth of the usual calls: until then Vector API
#   code runs interpreted or C1-compiled, slower than the scalar loops and allocating per operation.
# - The OpenBLAS call (an FFM downcall) is compiled on its own, not inlined into each caller: inlined, C2
#   compiled it once under the parallel kernels' worker loop and again under each caller, the largest
#   compilations of a cold mini-batch run, ahead of the training step's own in C2's one queue
#   (docs/bench-log/2026-12-07-cold-start.md, session g); a call's time is OpenBLAS's.
jit_flags=(-XX:CompileCommand=quiet
  "-XX:CompileCommand=CompileThresholdScaling,org.backprop4j.kernel.VectorElementwise::*,0.05"
  "-XX:CompileCommand=dontinline,org.backprop4j.kernel.OpenBlasKernels::sgemm")
