import CNCurses
print("quantscope: under construction \(qs_lines())")
