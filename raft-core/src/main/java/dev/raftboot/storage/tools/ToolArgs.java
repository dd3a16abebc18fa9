package dev.raftboot.storage.tools;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} arguments of the storage tools, checked by name. */
final class ToolArgs {
  private final Map<String, String> values = new HashMap<>();

  private ToolArgs() {}

  /**
   * @throws IllegalArgumentException on an unknown option or a missing value
   */
  static ToolArgs parse(String[] args, Set<String> withValue, Set<String> flags) {
    ToolArgs out = new ToolArgs();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (flags.contains(a)) {
        out.values.put(a, "true");
      } else if (withValue.contains(a)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        out.values.put(a, args[++i]);
      } else {
        throw new IllegalArgumentException("unknown argument: " + a);
      }
    }
    return out;
  }

  String get(String name) {
    return values.get(name);
  }

  String required(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }

  long longValue(String name, long otherwise) {
    String v = values.get(name);
    if (v == null) {
      return otherwise;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number: " + v);
    }
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }
}
