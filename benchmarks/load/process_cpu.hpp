#pragma once
// CPU seconds (user plus system) a benchmark reads over its measured window: its
// own, and a server's by pid, so that a figure can be given per event or request.

namespace chorus::bench {

double cpu_seconds_self();
// From /proc/<pid>/stat; -1 when the process is unknown or gone.
double cpu_seconds_of(long pid);

}  // namespace chorus::bench
