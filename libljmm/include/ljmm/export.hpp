// What libljmm-core.so and libljmm.so export. The libraries are built with -fvisibility=hidden
// and -fvisibility-inlines-hidden, so a symbol is exported only when it is marked: every class
// and every function that is not inline in these headers carries LJMM_API. Internals (the
// headers beside the sources, namespace detail) are never marked and never exported. Templates
// and inline functions need no mark: every user compiles its own copy.
#pragma once

#define LJMM_API __attribute__((visibility("default")))
