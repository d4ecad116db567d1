// Kulkarni, Gupta and Ercegovac's underdesigned multiplier (VLSI Design 2011), written by hand
// as "the user's circuit" of lop's table-multiplier co-simulation (tests/cosim/pe_table.list):
// a 2x2 block that is exact except 3 x 3 = 7, and wider multipliers from four half-width ones
// added exactly. The C++ reference: tests/unit/user_circuits.hpp.
module udm2 (input [1:0] a, input [1:0] b, output [2:0] p);
  assign p[0] = a[0] & b[0];
  assign p[1] = (a[1] & b[0]) | (a[0] & b[1]);
  assign p[2] = a[1] & b[1];
endmodule

module udm4 (input [3:0] a, input [3:0] b, output [7:0] p);
  wire [2:0] ll, hl, lh, hh;
  udm2 u_ll (.a(a[1:0]), .b(b[1:0]), .p(ll));
  udm2 u_hl (.a(a[3:2]), .b(b[1:0]), .p(hl));
  udm2 u_lh (.a(a[1:0]), .b(b[3:2]), .p(lh));
  udm2 u_hh (.a(a[3:2]), .b(b[3:2]), .p(hh));
  assign p = {5'd0, ll} + ({5'd0, hl} << 2) + ({5'd0, lh} << 2) + ({5'd0, hh} << 4);
endmodule

// The 8x8 multiplier, old-style header, ports A, B, O (lop: a=A,b=B,y=O).
module udm8 (A, B, O);
  input [7:0] A;
  input [7:0] B;
  output [15:0] O;
  wire [7:0] ll, hl, lh, hh;
  udm4 u_ll (.a(A[3:0]), .b(B[3:0]), .p(ll));
  udm4 u_hl (.a(A[7:4]), .b(B[3:0]), .p(hl));
  udm4 u_lh (.a(A[3:0]), .b(B[7:4]), .p(lh));
  udm4 u_hh (.a(A[7:4]), .b(B[7:4]), .p(hh));
  assign O = {8'd0, ll} + ({8'd0, hl} << 4) + ({8'd0, lh} << 4) + ({8'd0, hh} << 8);
endmodule

// The 16x16 multiplier, ANSI header, ports x, w, p (lop: a=x,b=w,y=p).
module udm16 (
  input  wire [15:0] x,
  input  wire [15:0] w,
  output wire [31:0] p
);
  wire [15:0] ll, hl, lh, hh;
  udm8 u_ll (.A(x[7:0]),  .B(w[7:0]),  .O(ll));
  udm8 u_hl (.A(x[15:8]), .B(w[7:0]),  .O(hl));
  udm8 u_lh (.A(x[7:0]),  .B(w[15:8]), .O(lh));
  udm8 u_hh (.A(x[15:8]), .B(w[15:8]), .O(hh));
  assign p = {16'd0, ll} + ({16'd0, hl} << 8) + ({16'd0, lh} << 8) + ({16'd0, hh} << 16);
endmodule
