// Snippets that must NOT compile (impossible formats are rejected at compile time with a
// message naming the problem). Each CTest entry compiles this file with one LOP_CASE and
// matches the compiler's output; case 0 must compile.
#include "lop/fixed.hpp"

#ifndef LOP_CASE
#define LOP_CASE 0
#endif

#if LOP_CASE == 0
lop::sfixed<8, 4> ok_value;  // control: the command line itself works
#elif LOP_CASE == 1
lop::fixed<lop::sfix(0, 0)> zero_width;
#elif LOP_CASE == 2
lop::fixed<lop::sfix(129, 0)> too_wide_signed;
#elif LOP_CASE == 3
lop::fixed<lop::ufix(128, 0)> too_wide_unsigned;
#elif LOP_CASE == 4
lop::fixed<lop::sfix(8, 3000)> frac_out_of_range;
#elif LOP_CASE == 5
auto product_too_wide = lop::ufixed<64, 0>{} * lop::ufixed<64, 0>{};  // needs 128 unsigned bits
#elif LOP_CASE == 6
auto quotient_too_wide = lop::sfixed<64, 0>{} / lop::sfixed<64, 0>{};  // needs 129 bits
#elif LOP_CASE == 7
lop::fixed<lop::fixed_format{8, 0, true, static_cast<lop::rounding>(7), lop::overflow::wrap}> bad_mode;
#endif

int main() { return 0; }
