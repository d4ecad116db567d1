// lop::add/sub/mul/div over whole arrays of lop::cfloat: out[i] = a[i] (op) b[i], every element
// bit-identical to the scalar operator (rounded once into the format, docs/cfloat.md section 2),
// computed by SIMD kernels chosen at run time where the CPU has them (docs/cfloat.md, section 4
// "Array operations").
//
//   std::vector<lop::fp8_e4m3fn_t> a = ..., b = ..., c(a.size());
//   lop::add(a, b, c);          // any contiguous sized ranges: std::vector, std::array, std::span
//   lop::mul(std::span(m.data(), m.size()), s, out);   // e.g. over an Eigen array's storage
#pragma once
#include <cstddef>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "lop/cfloat.hpp"
#include "lop/detail/float_simd.hpp"

namespace lop {

namespace detail {

template <class R>
concept cfloat_array = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                       floating_point_format<std::ranges::range_value_t<R>>;
template <class R>
concept cfloat_output_array =
    cfloat_array<R> && !std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>;

template <float_format F, float_op Op, class Gen>
[[gnu::always_inline]] inline void elementwise_loop(const cfloat<F>* a, const cfloat<F>* b, cfloat<F>* c,
                                                    std::size_t n, Gen& gen) noexcept {
  for (std::size_t i = 0; i < n; ++i) c[i] = cfloat_binary<Op>(a[i], b[i], gen);
}

#if LOP_X86_SIMD
// The same loop compiled for AVX2: formats whose scalar fast path is branch-free lane
// arithmetic (bf16, and formats the half kernel does not take) vectorize 8 lanes wide.
template <float_format F, float_op Op>
[[gnu::target("avx2,f16c")]] inline void elementwise_loop_avx2(const cfloat<F>* a, const cfloat<F>* b,
                                                               cfloat<F>* c, std::size_t n) noexcept {
  typename cfloat<F>::default_source g;
  elementwise_loop<F, Op>(a, b, c, n, g);
}
#endif

template <float_format F, float_op Op>
void elementwise(const cfloat<F>* a, const cfloat<F>* b, cfloat<F>* c, std::size_t n) noexcept {
#if LOP_X86_SIMD
  if constexpr (fast_op_available<F, Op>) {
    if (cpu_has_avx2_f16c()) {
      std::size_t done = 0;
      if constexpr (half_kernel_ok<F, Op>) {
        using T = typename cfloat<F>::bits_type;
        static_assert(sizeof(cfloat<F>) == sizeof(T) && std::is_standard_layout_v<cfloat<F>>);
        done = half_kernel<F, Op>(reinterpret_cast<const T*>(a), reinterpret_cast<const T*>(b),
                                  reinterpret_cast<T*>(c), n);
      }
      elementwise_loop_avx2<F, Op>(a + done, b + done, c + done, n - done);
      return;
    }
  }
#endif
  typename cfloat<F>::default_source g;
  elementwise_loop<F, Op>(a, b, c, n, g);
}

inline void check_sizes(const char* fn, std::size_t a, std::size_t b, std::size_t out) {
  if (a != b || a != out)
    throw std::invalid_argument(std::string("lop::") + fn + ": the arrays have different sizes (a: " +
                                std::to_string(a) + ", b: " + std::to_string(b) + ", out: " +
                                std::to_string(out) + "); pass operands and an output of one size");
}

template <class A, class B, class C>
concept same_cfloat_arrays =
    cfloat_array<A> && cfloat_array<B> && cfloat_output_array<C> &&
    std::same_as<std::ranges::range_value_t<A>, std::ranges::range_value_t<B>> &&
    std::same_as<std::ranges::range_value_t<A>, std::ranges::range_value_t<C>>;
}  // namespace detail

// lop::add/sub/mul/div(a, b, out): out[i] = a[i] (op) b[i] for arrays of one cfloat type and
// one size (std::invalid_argument otherwise). out may be a or b itself; other overlaps are not
// allowed. With a generator, stochastic rounding draws from it in element order (the same
// results as the scalar lop::add(a[i], b[i], gen) in a loop); without one, as the operators do.
#define LOP_CFLOAT_ELEMENTWISE(fn)                                                                  \
  template <class A, class B, class C>                                                              \
    requires detail::same_cfloat_arrays<A, B, C>                                                    \
  void fn(const A& a, const B& b, C&& out) {                                                        \
    using T = std::ranges::range_value_t<A>;                                                        \
    const std::size_t n = std::ranges::size(out);                                                   \
    detail::check_sizes(#fn, std::ranges::size(a), std::ranges::size(b), n);                        \
    detail::elementwise<T::format, detail::float_op::fn>(std::ranges::data(a), std::ranges::data(b), \
                                                          std::ranges::data(out), n);               \
  }                                                                                                 \
  template <class A, class B, class C, detail::random_source Gen>                                   \
    requires detail::same_cfloat_arrays<A, B, C>                                                    \
  void fn(const A& a, const B& b, C&& out, Gen& gen) {                                              \
    const std::size_t n = std::ranges::size(out);                                                   \
    detail::check_sizes(#fn, std::ranges::size(a), std::ranges::size(b), n);                        \
    detail::elementwise_loop<std::ranges::range_value_t<A>::format, detail::float_op::fn>(          \
        std::ranges::data(a), std::ranges::data(b), std::ranges::data(out), n, gen);                \
  }
LOP_CFLOAT_ELEMENTWISE(add)
LOP_CFLOAT_ELEMENTWISE(sub)
LOP_CFLOAT_ELEMENTWISE(mul)
LOP_CFLOAT_ELEMENTWISE(div)
#undef LOP_CFLOAT_ELEMENTWISE

}  // namespace lop
