package dev.p2ptunnel.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line's model, built in code with picocli's programmatic API rather than read from annotations: picocli's
 * first use read seven annotation types through reflection (a proxy class spun for each, which Java 17 cannot keep in a
 * class archive) and reflected over every field of the command, ~0.1 CPU-s of each start (docs/PERFORMANCE.md, "Start,
 * seventh session"). Each option is defined once, by the class whose field it sets ({@code addTo(CommandSpec)} of the
 * option groups, {@code spec()} of the commands); picocli sets the field while it parses, on the parsing thread.
 */
final class Cli {
  private Cli() {}

  /**
   * A command: name, description paragraphs, exit codes ({@code "CODE:meaning"}, in order) and the standard
   * {@code -h/--help} and {@code -V/--version}, which {@link #standardHelp} adds last, as picocli's own mixin did.
   */
  static CommandSpec command(String name, Callable<Integer> command, String[] description, String... exitCodes) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
    Map<String, String> codes = new LinkedHashMap<>();
    for (String code : exitCodes) {
      int colon = code.indexOf(':');
      codes.put(code.substring(0, colon), code.substring(colon + 1));
    }
    spec.usageMessage().description(description).sortOptions(false).exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(codes);
    return spec;
  }

  /** {@code -h, --help} and {@code -V, --version}, with picocli's texts. */
  static void standardHelp(CommandSpec spec) {
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class)
        .description("Show this help message and exit.").build());
    spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class)
        .description("Print version information and exit.").build());
  }

  /**
   * An option with one value of {@code type} (String, Integer, int, Path), read and written through a field. The
   * field's initial value is the option's default, written nowhere else: a value that is not null is also picocli's
   * default value, as text ({@link String#valueOf}), which {@code ${DEFAULT-VALUE}} in the description shows and
   * picocli applies before it parses (the same value, converted back). So a field holds a default as the user types it
   * ({@code "60s"} for a duration, parsed after picocli: {@link Durations}); an option whose default is not one value
   * typed on the command line (a list, a default found at run time) has a null or empty field and says its default in
   * its description.
   */
  static <T> OptionSpec.Builder option(String name, String label, Class<T> type, Supplier<T> get, Consumer<T> set,
      String description) {
    Binding<T> binding = new Binding<>(get, set);
    T initial = get.get();
    OptionSpec.Builder builder = OptionSpec.builder(name).paramLabel(label).type(type).getter(binding).setter(binding)
        .initialValue(initial).description(description);
    return initial == null ? builder : builder.defaultValue(String.valueOf(initial));
  }

  /**
   * A repeatable option: each value is added to a list that picocli makes at the first one and hands to {@code set}.
   */
  static OptionSpec.Builder list(String name, String label, Supplier<List<String>> get, Consumer<List<String>> set,
      String description) {
    Binding<List<String>> binding = new Binding<>(get, set);
    return OptionSpec.builder(name).paramLabel(label).type(List.class).auxiliaryTypes(String.class)
        .getter(binding).setter(binding).initialValue(get.get()).description(description);
  }

  /** An option without a value: present or not. */
  static OptionSpec.Builder flag(String[] names, Supplier<Boolean> get, Consumer<Boolean> set, String description) {
    Binding<Boolean> binding = new Binding<>(get, set);
    return OptionSpec.builder(names).type(boolean.class).getter(binding).setter(binding).initialValue(get.get())
        .description(description);
  }

  /**
   * A field seen through picocli's getter and setter; picocli converts each value to the option's type first. Each
   * option's initial value is its field's value when the option is made: picocli puts it back before it parses.
   */
  private static final class Binding<T> implements IGetter, ISetter {
    private final Supplier<T> get;
    private final Consumer<T> set;

    Binding(Supplier<T> get, Consumer<T> set) {
      this.get = get;
      this.set = set;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R get() {
      return (R) get.get();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R set(R value) {
      R old = get();
      set.accept((T) value);
      return old;
    }
  }
}
