package dev.edgegateway;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering the code is meant to keep: packages and classes without cycles, and source files a reader can hold. */
class ArchitectureTest {
  private static final String ROOT = "dev.edgegateway";
  private static final Path SOURCES = Path.of("src/main/java/dev/edgegateway");
  private static final int MAX_LINES = 400;
  private static final Map<String, Integer> TIGHTER_LIMITS = Map.of("http/HttpVerticle.java", 250);

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
  }

  @Test
  void packagesAreFreeOfCycles() {
    // one slice per first package segment under dev.edgegateway; the root package's classes are a slice too
    slices().assignedFrom(new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String name = javaClass.getPackageName();
        if (name.equals(ROOT)) {
          return SliceIdentifier.of("(root package)");
        }
        if (!name.startsWith(ROOT + ".")) {
          return SliceIdentifier.ignore();
        }
        String rest = name.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
      }

      @Override
      public String getDescription() {
        return "packages of " + ROOT;
      }
    }).should().beFreeOfCycles().check(classes);
  }

  @Test

  void topLevelClassesAreFreeOfCycles() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (JavaClass javaClass : classes) {
      String from = topLevelName(javaClass);
      Set<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
      for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
        JavaClass target = dependency.getTargetClass().getBaseComponentType();
        if (target.getPackageName().startsWith(ROOT) && classes.contain(target.getName())) {
          String to = topLevelName(target);
          if (!to.equals(from)) {
            targets.add(to);
          }
        }
      }
    }
    Set<String> readsConstant = addConstantReferences(graph);
    List<String> cycles = new ArrayList<>();
    for (Set<String> component : stronglyConnectedComponents(graph)) {
      if (component.size() > 1) {
        StringBuilder cycle = new StringBuilder("classes depending on each other: ").append(component);
        for (String from : component) {
          for (String to : graph.get(from)) {
            if (component.contains(to)) {
              cycle.append("\n    ").append(from).append(" -> ").append(to)
                  .append(readsConstant.contains(from + " -> " + to) ? " (reads a constant)" : "");
            }
          }
        }
        cycles.add(cycle.toString());
      }
    }
    assertThat(cycles).as("cycles between top-level classes of %s (nested classes count as their outer class)", ROOT)
        .isEmpty();
  }

  @Test

  void mainSourceFilesStaySmall() throws IOException {
    List<String> tooLong = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java")).sorted()::iterator) {
        String relative = SOURCES.relativize(file).toString().replace('\\', '/');
        if (relative.startsWith("sim/")) {
          continue; // the simulator is exempt: it is not the gateway
        }
        int limit = TIGHTER_LIMITS.getOrDefault(relative, MAX_LINES);
        long lines;
        try (Stream<String> text = Files.lines(file)) {
          lines = text.count();
        }
        if (lines > limit) {
          tooLong.add(relative + ": " + lines + " lines (limit " + limit + ")");
        }
      }
    }
    assertThat(tooLong).as("main source files over their line limit under %s", SOURCES).isEmpty();
  }

  /**
   * javac copies a compile-time constant into the classes that read it, leaving no trace of the class it came
   * from in their bytecode: those reads are found in the source. Returns the edges only the source showed.
   */
  private static Set<String> addConstantReferences(Map<String, Set<String>> graph) throws IOException {
    List<JavaField> constants = new ArrayList<>();
    for (JavaClass javaClass : classes) {
      for (JavaField field : javaClass.getFields()) {
        String type = field.getRawType().getName();
        if (field.getModifiers().containsAll(Set.of(JavaModifier.STATIC, JavaModifier.FINAL))
            && (field.getRawType().isPrimitive() || type.equals("java.lang.String"))) {
          constants.add(field);
        }
      }
    }
    Set<String> added = new TreeSet<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String relative = SOURCES.relativize(file).toString().replace('\\', '/');
        String from = relative.substring(0, relative.length() - ".java".length()).replace('/', '.');
        if (!graph.containsKey(from)) {
          continue; // package-info
        }
        String packageName = (ROOT + "." + from).substring(0, (ROOT + "." + from).lastIndexOf('.'));
        String code = withoutCommentsAndLiterals(Files.readString(file));
        for (JavaField constant : constants) {
          JavaClass owner = constant.getOwner();
          String to = topLevelName(owner);
          if (to.equals(from) || graph.get(from).contains(to) || !code.contains(constant.getName())) {
            continue;
          }
          String ownerName = owner.getName().replace('$', '.');
          boolean visible = owner.getPackageName().equals(packageName) || code.contains("import " + ownerName + ";")
              || code.contains("import " + ROOT + "." + to + ";") || code.contains("import " + owner.getPackageName() + ".*;");
          boolean qualified = Pattern.compile("(?<![\\w$])" + Pattern.quote(owner.getSimpleName()) + "\\s*\\.\\s*"
              + Pattern.quote(constant.getName()) + "(?![\\w$])").matcher(code).find();
          boolean staticImport = code.contains("import static " + ownerName + "." + constant.getName() + ";")
              || code.contains("import static " + ownerName + ".*;");
          if (qualified && visible || staticImport) {
            graph.get(from).add(to);
            added.add(from + " -> " + to);
          }
        }
      }
    }
    return added;
  }

  /** Java source with comments removed and string, text-block and char literals emptied. */
  private static String withoutCommentsAndLiterals(String source) {
    StringBuilder code = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (source.startsWith("//", i)) {
        int end = source.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        code.append(' ');
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        i = end < 0 ? n : end + 3;
        code.append("\"\"");
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < n && source.charAt(i) != c) {
          i += source.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        code.append(c).append(c);
      } else {
        code.append(c);
        i++;
      }
    }
    return code.toString();
  }

  /** {@code dev.edgegateway.http.HttpVerticle$1} -> {@code http.HttpVerticle}. */
  private static String topLevelName(JavaClass javaClass) {
    String name = javaClass.getName();
    int nested = name.indexOf('$');
    String outer = nested < 0 ? name : name.substring(0, nested);
    return outer.startsWith(ROOT + ".") ? outer.substring(ROOT.length() + 1) : outer;
  }

  /** Tarjan's algorithm, iterative so deep graphs do not exhaust the stack. */
  private static List<Set<String>> stronglyConnectedComponents(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> components = new ArrayList<>();
    int[] counter = {0};
    for (String start : graph.keySet()) {
      if (index.containsKey(start)) {
        continue;
      }
      Deque<Object[]> work = new ArrayDeque<>(); // {node, iterator over its targets}
      visit(start, index, low, stack, onStack, counter);
      work.push(new Object[] {start, graph.getOrDefault(start, Set.of()).iterator()});
      while (!work.isEmpty()) {
        Object[] frame = work.peek();
        String node = (String) frame[0];
        @SuppressWarnings("unchecked")
        java.util.Iterator<String> targets = (java.util.Iterator<String>) frame[1];
        if (targets.hasNext()) {
          String target = targets.next();
          if (!index.containsKey(target)) {
            visit(target, index, low, stack, onStack, counter);
            work.push(new Object[] {target, graph.getOrDefault(target, Set.of()).iterator()});
          } else if (onStack.contains(target)) {
            low.put(node, Math.min(low.get(node), index.get(target)));
          }
          continue;
        }
        work.pop();
        if (!work.isEmpty()) {
          String parent = (String) work.peek()[0];
          low.put(parent, Math.min(low.get(parent), low.get(node)));
        }
        if (low.get(node).equals(index.get(node))) {
          Set<String> component = new TreeSet<>();
          String member;
          do {
            member = stack.pop();
            onStack.remove(member);
            component.add(member);
          } while (!member.equals(node));
          components.add(component);
        }
      }
    }
    return components;
  }

  private static void visit(String node, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                            Set<String> onStack, int[] counter) {
    index.put(node, counter[0]);
    low.put(node, counter[0]);
    counter[0]++;
    stack.push(node);
    onStack.add(node);
  }
}
