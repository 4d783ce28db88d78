package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onvoid.webrtc.RTCDataChannel;
import dev.p2ptunnel.bridge.Bridge;
import dev.p2ptunnel.protocol.Frame;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of p2p-protocol, p2p-bridge and p2p-webrtc names only types of modules that a user's module reads
 * through them: java.base, our own modules, and what they require {@code transitive}. javac's {@code exports} lint
 * checks the same but is off (it also flags every jspecify {@code @Nullable}, which users need not read; see the
 * root POM), so this test keeps webrtc-java, Jackson or an untransitive JDK module from slipping into a signature.
 */
class ApiSurfaceTest {
  private static final List<Class<?>> MODULE_ANCHORS = List.of(Frame.class, Bridge.class, Tunnel.class);

  @Test
  void shouldNameOnlyTypesOfModulesThatUsersRead() throws IOException {
    Modules modules = Modules.load();
    List<String> problems = new ArrayList<>();
    int types = 0;
    for (ModuleDescriptor module : modules.ours.values()) {
      Set<String> readable = modules.readableFrom(module.name());
      for (Class<?> type : modules.exportedTypes(module)) {
        types++;
        for (String problem : check(type, modules, readable)) {
          problems.add(module.name() + ": " + problem);
        }
      }
    }
    assertTrue(types > 40, "found only " + types + " exported types: the scan is broken");
    assertEquals(List.of(), problems);
  }

  /**
   * Public records of more than three components that stay records, each for a reason: adding a component to a record
   * changes its constructor (a binary break), so a type that carries settings is a final class with a builder.
   */
  private static final Map<String, String> WIDE_RECORDS = Map.ofEntries(
      Map.entry("dev.p2ptunnel.protocol.DecodedFrame", "a decoded wire frame: fixed by the protocol"),
      Map.entry("dev.p2ptunnel.protocol.Resumption$Session", "a fixed wire record (resume extension)"),
      Map.entry("dev.p2ptunnel.protocol.Resumption$Resume", "a fixed wire record (resume extension)"),
      Map.entry("dev.p2ptunnel.protocol.ServiceMessages$Entry", "a fixed wire record (named-services extension)"),
      Map.entry("dev.p2ptunnel.bridge.Service", "a value: a service's name, protocol and address"),
      Map.entry("dev.p2ptunnel.bridge.SharedService", "a value: one entry of the host's list as the client sees it"),
      Map.entry("dev.p2ptunnel.bridge.MappedPort", "a value: one mapping in place"),
      Map.entry("dev.p2ptunnel.bridge.BridgeStats", "a snapshot the bridge makes; users read it"),
      Map.entry("dev.p2ptunnel.bridge.BridgeStats$SocketStats", "a snapshot the bridge makes; users read it"),
      Map.entry("dev.p2ptunnel.bridge.BridgeStats$FlowStats", "a snapshot the bridge makes; users read it"),
      Map.entry("dev.p2ptunnel.webrtc.TrafficMonitor$Snapshot", "a snapshot the monitor makes; users read it"),
      Map.entry("dev.p2ptunnel.webrtc.OfflineToken$Contents", "a fixed token layout"));

  @Test
  void shouldKeepSettingsOutOfWideRecords() throws IOException {
    Modules modules = Modules.load();
    List<String> wide = new ArrayList<>();
    for (ModuleDescriptor module : modules.ours.values()) {
      for (Class<?> type : modules.exportedTypes(module)) {
        if (type.isRecord() && type.getRecordComponents().length > 3 && !WIDE_RECORDS.containsKey(type.getName())) {
          wide.add(type.getName() + " has " + type.getRecordComponents().length + " components (expected: <= 3, "
              + "or a final class with a builder, or a reason in WIDE_RECORDS)");
        }
      }
    }
    wide.sort(null);
    assertEquals(List.of(), wide);
  }

  @Test
  void shouldKnowEveryAllowedWideRecord() throws IOException {
    Modules modules = Modules.load();
    Set<String> records = new HashSet<>();
    for (ModuleDescriptor module : modules.ours.values()) {
      for (Class<?> type : modules.exportedTypes(module)) {
        if (type.isRecord() && type.getRecordComponents().length > 3) {
          records.add(type.getName());
        }
      }
    }
    Set<String> stale = new TreeSet<>(WIDE_RECORDS.keySet());
    stale.removeAll(records);
    assertEquals(Set.of(), stale, "allowed wide records that are no longer wide records: drop them from the list");
  }

  @Test
  void shouldReportAWebRtcTypeInAPublicSignature() throws IOException {
    Modules modules = Modules.load();
    List<String> problems = check(Leaky.class, modules, modules.readableFrom("dev.p2ptunnel.webrtc"));
    assertEquals(List.of(Leaky.class.getName() + ".channel(): dev.onvoid.webrtc.RTCDataChannel is in "
        + "the class path (not dev.p2ptunnel.webrtc or a module it requires transitive)"), problems);
  }

  /** A signature that must be reported (the check's own test). */
  public interface Leaky {
    RTCDataChannel channel();

    /** JDK types, also as arguments and bounds, are fine. */
    default List<? extends Comparable<String>> fine() {
      return List.of();
    }
  }

  private static List<String> check(Class<?> type, Modules modules, Set<String> readable) {
    Map<String, Type> mentioned = new HashMap<>();
    String name = type.getName();
    if (type.getGenericSuperclass() != null) {
      mentioned.put(name + " extends", type.getGenericSuperclass());
    }
    for (Type itf : type.getGenericInterfaces()) {
      mentioned.put(name + " implements " + itf.getTypeName(), itf);
    }
    for (Field field : type.getDeclaredFields()) {
      if (visible(field.getModifiers())) {
        mentioned.put(name + "." + field.getName(), field.getGenericType());
      }
    }
    List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
    executables.addAll(List.<Constructor<?>>of(type.getDeclaredConstructors()));
    for (Executable executable : executables) {
      if (!visible(executable.getModifiers()) || executable.isSynthetic()
          || (executable instanceof Method && ((Method) executable).isBridge())) {
        continue;
      }
      String where = name + "." + executable.getName() + "()";
      if (executable instanceof Method) {
        mentioned.put(where, ((Method) executable).getGenericReturnType());
      }
      Type[] parameters = executable.getGenericParameterTypes();
      for (int i = 0; i < parameters.length; i++) {
        mentioned.put(where + " parameter " + i, parameters[i]);
      }
      Type[] thrown = executable.getGenericExceptionTypes();
      for (int i = 0; i < thrown.length; i++) {
        mentioned.put(where + " throws " + i, thrown[i]);
      }
    }
    List<String> problems = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    mentioned.forEach((where, mention) -> {
      for (Class<?> used : classesIn(mention)) {
        String module = modules.moduleOf(used);
        if (!readable.contains(module) && seen.add(where + used.getName())) {
          String place = where.endsWith(" extends") || where.contains(" implements ") ? name : where;
          problems.add(place + ": " + used.getName() + " is in " + module + " (not "
              + readable.iterator().next() + " or a module it requires transitive)");
        }
      }
    });
    problems.sort(null);
    return problems;
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /** Every class a (generic) type mentions: raw types, arguments, bounds and array components. */
  private static Set<Class<?>> classesIn(Type root) {
    Set<Class<?>> classes = new HashSet<>();
    Set<Type> visited = new HashSet<>();
    Deque<Type> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      Type type = todo.pop();
      if (!visited.add(type)) {
        continue;
      }
      if (type instanceof Class<?>) {
        Class<?> c = (Class<?>) type;
        while (c.isArray()) {
          c = c.getComponentType();
        }
        if (!c.isPrimitive()) {
          classes.add(c);
        }
      } else if (type instanceof ParameterizedType) {
        ParameterizedType p = (ParameterizedType) type;
        todo.push(p.getRawType());
        todo.addAll(List.of(p.getActualTypeArguments()));
      } else if (type instanceof WildcardType) {
        todo.addAll(List.of(((WildcardType) type).getUpperBounds()));
        todo.addAll(List.of(((WildcardType) type).getLowerBounds()));
      } else if (type instanceof TypeVariable<?>) {
        todo.addAll(List.of(((TypeVariable<?>) type).getBounds()));
      } else if (type instanceof GenericArrayType) {
        todo.push(((GenericArrayType) type).getGenericComponentType());
      }
    }
    return classes;
  }

  /** Our three module descriptors, read from where the test runtime found their classes. */
  private static final class Modules {
    final Map<String, ModuleDescriptor> ours = new HashMap<>();
    final Map<String, ModuleReference> references = new HashMap<>();
    final Map<String, String> packageToModule = new HashMap<>();

    static Modules load() throws IOException {
      Modules modules = new Modules();
      for (Class<?> anchor : MODULE_ANCHORS) {
        Path location;
        try {
          location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
          throw new IOException(e);
        }
        ModuleReference reference = ModuleFinder.of(location).findAll().iterator().next();
        ModuleDescriptor descriptor = reference.descriptor();
        modules.ours.put(descriptor.name(), descriptor);
        modules.references.put(descriptor.name(), reference);
        descriptor.packages().forEach(pn -> modules.packageToModule.put(pn, descriptor.name()));
      }
      return modules;
    }

    String moduleOf(Class<?> type) {
      if (type.getModule().isNamed()) {
        return type.getModule().getName(); // a JDK module: the test runs on the class path
      }
      return packageToModule.getOrDefault(type.getPackageName(), "the class path");
    }

    /** {@code name}, java.base, and every module reached through {@code requires transitive} from it. */
    Set<String> readableFrom(String name) {
      Set<String> readable = new java.util.LinkedHashSet<>(List.of(name, "java.base"));
      Deque<String> todo = new ArrayDeque<>(List.of(name));
      while (!todo.isEmpty()) {
        String module = todo.pop();
        ModuleDescriptor descriptor = ours.containsKey(module) ? ours.get(module)
            : ModuleLayer.boot().findModule(module).map(Module::getDescriptor).orElse(null);
        if (descriptor == null) {
          continue;
        }
        for (ModuleDescriptor.Requires requires : descriptor.requires()) {
          if (requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)
              && readable.add(requires.name())) {
            todo.push(requires.name());
          }
        }
      }
      return readable;
    }

    /** The public and protected classes of the module's unqualified exports, nested ones included. */
    List<Class<?>> exportedTypes(ModuleDescriptor module) throws IOException {
      Set<String> exported = new HashSet<>();
      module.exports().stream().filter(e -> !e.isQualified()).forEach(e -> exported.add(e.source()));
      List<Class<?>> types = new ArrayList<>();
      try (ModuleReader reader = references.get(module.name()).open(); Stream<String> names = reader.list()) {
        for (String resource : (Iterable<String>) names::iterator) {
          int slash = resource.lastIndexOf('/');
          if (!resource.endsWith(".class") || slash < 0
              || !exported.contains(resource.substring(0, slash).replace('/', '.'))
              || resource.endsWith("package-info.class")) {
            continue;
          }
          Class<?> type;
          try {
            type = Class.forName(resource.substring(0, resource.length() - 6).replace('/', '.'), false,
                ApiSurfaceTest.class.getClassLoader());
          } catch (ClassNotFoundException e) {
            throw new IOException(resource, e);
          }
          if (visibleFromOutside(type)) {
            types.add(type);
          }
        }
      }
      return types;
    }

    private static boolean visibleFromOutside(Class<?> type) {
      for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
        if (!visible(c.getModifiers()) || c.isAnonymousClass() || c.isLocalClass()) {
          return false;
        }
      }
      return true;
    }
  }
}
