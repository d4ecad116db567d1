// A signed 6 x 5 multiplier whose product drops its two lowest bits (a multiple of 4, rounded
// toward minus infinity), written by hand as a signed "user's circuit" for lop's table
// multipliers; ports a, b, y (lop's default names); the 11-bit product is sign-extended by lop.
module floor4 (
  input  wire [5:0]  a,
  input  wire [4:0]  b,
  output wire [10:0] y
);
  wire signed [10:0] p = $signed(a) * $signed(b);
  assign y = {p[10:2], 2'b00};
endmodule
