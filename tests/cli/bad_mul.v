// Modules that break the table-multiplier port convention (docs/multipliers.md), for the
// cli.table_* tests; each must be refused with a message naming the problem.
module with_clock (input clk, input [3:0] a, input [3:0] b, output [7:0] y);
  assign y = a * b;
endmodule

module param_width #(parameter W = 4) (input [W-1:0] a, input [W-1:0] b, output [2*W-1:0] y);
  assign y = a * b;
endmodule

module too_wide (input [3:0] a, input [3:0] b, output [9:0] y);
  assign y = {2'b00, a * b};
endmodule

module a_is_output (output [3:0] a, input [3:0] b, output [7:0] y);
  assign a = b;
  assign y = {4'd0, b};
endmodule

// Exact 2 x 2 products need 4 bits; this output has 3 (3 x 3 = 9 does not fit).
module narrow2 (input [1:0] a, input [1:0] b, output [2:0] y);
  assign y = a * b;
endmodule
