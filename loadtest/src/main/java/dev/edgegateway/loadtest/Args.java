package dev.edgegateway.loadtest;

import java.util.ArrayList;
import java.util.List;

/** Tiny {@code --name value} parser. */
final class Args {
  private final List<String> args;

  Args(String[] args) {
    this.args = new ArrayList<>(List.of(args));
  }

  String opt(String name, String dflt) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : dflt;
  }

  int intOpt(String name, int dflt) {
    String v = opt(name, null);
    return v == null ? dflt : Integer.parseInt(v);
  }

  long longOpt(String name, long dflt) {
    String v = opt(name, null);
    return v == null ? dflt : Long.parseLong(v);
  }

  double doubleOpt(String name, double dflt) {
    String v = opt(name, null);
    return v == null ? dflt : Double.parseDouble(v);
  }

  boolean flag(String name) {
    return args.contains(name);
  }

  List<String> positional() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).startsWith("--")) {
        if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
          i++;
        }
        continue;
      }
      out.add(args.get(i));
    }
    return out;
  }
}
