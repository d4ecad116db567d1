// The umbrella header: everything in the header-only library.
#pragma once
#include "lop/cfloat.hpp"
#include "lop/eigen.hpp"
#include "lop/elementwise.hpp"
#include "lop/fixed.hpp"
#include "lop/float_format.hpp"
#include "lop/fmt.hpp"
#include "lop/format.hpp"
#include "lop/gemm.hpp"
#include "lop/pe.hpp"
#include "lop/pe_spec.hpp"
#include "lop/rounding.hpp"
