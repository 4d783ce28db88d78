package dev.p2ptunnel.webrtc.internal.dirs;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Files and directories only their user may read or write, on every file system that can say so: permissions
 * {@code 0600}/{@code 0700} where the file system has the POSIX view (Linux, macOS); where it has the ACL view and no
 * POSIX view (Windows NTFS), an access-control list with one entry, the current user with full control, and nothing
 * inherited from the directory above, as OpenSSH's Windows port gives private keys. Without either view (FAT32, some
 * network shares) files are made as before, with whatever the file system gives, and that is logged at DEBUG.
 *
 * <p>The protection is there before any byte: a file is created with it (or, where the file system cannot take an
 * ACL at creation, given it before anything is written), so that no other user can open the file while it is empty
 * and read the secret later through that handle. Java cannot mark an ACL "protected" (the Windows flag that stops a
 * later change of the directory's inheritable entries from spreading into it): a person who re-applies inheritance
 * to the directory (Explorer's "replace all child object permissions", {@code icacls /T}) widens the file again.
 *
 * <p>The current user is the one Windows names {@code %USERDOMAIN%\%USERNAME%} (looked up by the file system),
 * elsewhere {@code user.name}. Thread-safe; the file system's principal of the current user is looked up once per
 * process and kept.
 */
public final class PrivateFiles {
  /** SYSTEM (S-1-5-18), Administrators (S-1-5-32-544), CREATOR OWNER (S-1-3-0; no domain), as Java names them. */
  private static final Set<String> ADMINISTRATIVE = Set.of("nt authority\\system", "s-1-5-18",
      "builtin\\administrators", "s-1-5-32-544", "\\creator owner", "s-1-3-0");
  /** The current user as the default file system knows it, once looked up. */
  private static volatile @Nullable UserPrincipal defaultFsUser;

  private PrivateFiles() {}

  /** What the file system can say about who may use a file. */
  enum Kind {
    POSIX, ACL, NONE;

    static Kind of(FileSystem fs) {
      Set<String> views = fs.supportedFileAttributeViews();
      return views.contains("posix") ? POSIX : views.contains("acl") ? ACL : NONE;
    }
  }

  /** Whether {@code path}'s file system has the POSIX view. */
  public static boolean posix(Path path) {
    return Kind.of(path.getFileSystem()) == Kind.POSIX;
  }

  /**
   * A new empty file in {@code dir} (as {@link Files#createTempFile(Path, String, String, FileAttribute[])} makes),
   * readable and writable by the current user only.
   */
  public static Path createTempFile(Path dir, String prefix, String suffix) throws IOException {
    switch (Kind.of(dir.getFileSystem())) {
      case POSIX:
        return Files.createTempFile(dir, prefix, suffix,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      case ACL: {
        List<AclEntry> acl = ownerOnly(currentUser(dir), false);
        Path file;
        try {
          file = Files.createTempFile(dir, prefix, suffix, aclAttribute(acl));
        } catch (UnsupportedOperationException e) {
          file = Files.createTempFile(dir, prefix, suffix); // this file system takes no ACL at creation
        }
        try {
          restrict(file, acl);
        } catch (IOException | RuntimeException e) {
          Files.deleteIfExists(file); // nothing written yet: no secret left in a file others may read
          throw e;
        }
        return file;
      }
      default:
        log().log(Level.DEBUG, "{0}: the file system has neither POSIX permissions nor ACLs; a new file there gets"
            + " what the file system gives", dir);
        return Files.createTempFile(dir, prefix, suffix);
    }
  }

  /**
   * Creates {@code dir} and any missing directories above it; those it creates are private to the current user (0700,
   * or an owner-only ACL that new files and directories inside inherit). Existing directories are left as they are.
   */
  public static void createDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    createDirectory(absolute);
  }

  /** Creates {@code dir} private to the current user unless it exists (made meanwhile by another process too). */
  public static void createDirectory(Path dir) throws IOException {
    try {
      switch (Kind.of(dir.getFileSystem())) {
        case POSIX:
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
              "rwx------")));
          break;
        case ACL: {
          List<AclEntry> acl = ownerOnly(currentUser(dir.toAbsolutePath().getParent()), true);
          try {
            Files.createDirectory(dir, aclAttribute(acl));
          } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
          }
          restrict(dir, acl);
          break;
        }
        default:
          log().log(Level.DEBUG, "{0}: the file system has neither POSIX permissions nor ACLs; the directory gets what"
              + " the file system gives", dir);
          Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /**
   * Replaces the ACL of {@code path} by {@code acl}. Where the file was created with it this drops the entries the
   * directory's inheritable ones may have added at creation; the Windows call behind it sets the list as given.
   */
  private static void restrict(Path path, List<AclEntry> acl) throws IOException {
    AclFileAttributeView view = Files.getFileAttributeView(path, AclFileAttributeView.class);
    if (view == null) {
      throw new IOException(path + ": the file system lists the \"acl\" view but has none for this file");
    }
    view.setAcl(acl);
  }

  /**
   * The owner-only ACL: one entry allowing {@code user} everything; for a directory inherited by the files and
   * directories made in it.
   */
  static List<AclEntry> ownerOnly(UserPrincipal user, boolean directory) {
    AclEntry.Builder entry = AclEntry.newBuilder()
        .setType(AclEntryType.ALLOW)
        .setPrincipal(user)
        .setPermissions(EnumSet.allOf(AclEntryPermission.class));
    if (directory) {
      entry.setFlags(AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT);
    }
    return List.of(entry.build());
  }

  private static FileAttribute<List<AclEntry>> aclAttribute(List<AclEntry> acl) {
    return new FileAttribute<>() {
      @Override
      public String name() {
        return "acl:acl";
      }

      @Override
      public List<AclEntry> value() {
        return acl;
      }
    };
  }

  /**
   * The user this process runs as, as {@code near}'s file system knows it. On Windows {@code DOMAIN\name} from the
   * environment (the computer's name for a local account), so that a local account and a domain account of the same
   * name are not mixed up; elsewhere {@code user.name}. If the file system does not know that name (a domain account
   * while the domain cannot be reached), the owner of {@code near}, which this user made or was given.
   */
  public static UserPrincipal currentUser(Path near) throws IOException {
    String name = currentUserName();
    boolean usual = near.getFileSystem() == FileSystems.getDefault();
    UserPrincipal known = usual ? defaultFsUser : null;
    if (known != null) {
      return known;
    }
    try {
      UserPrincipal user = near.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
      if (usual) {
        defaultFsUser = user; // a lookup may ask the domain controller: once per process
      }
      return user;
    } catch (IOException | UnsupportedOperationException e) {
      UserPrincipal owner = Files.getOwner(near);
      log().log(Level.DEBUG, "user {0} not found ({1}); taking the owner of {2}, {3}", name, e, near, owner.getName());
      return owner;
    }
  }

  /**
   * Who besides its owner may read {@code file}, for a warning about a secret written before it was made private
   * (on Windows by an earlier version, which left it the ACL of its directory): {@code "group"} and {@code "others"}
   * by the POSIX read bits; by the ACL, the principals an entry allows to read, less the owner, the current user,
   * SYSTEM and Administrators. Empty when nobody else, or when the file system cannot say.
   */
  public static List<String> otherReaders(Path file) throws IOException {
    List<String> others = new ArrayList<>();
    switch (Kind.of(file.getFileSystem())) {
      case POSIX: {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.contains(PosixFilePermission.GROUP_READ)) {
          others.add("group");
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
          others.add("others");
        }
        break;
      }
      case ACL: {
        AclFileAttributeView view = Files.getFileAttributeView(file, AclFileAttributeView.class);
        UserPrincipal owner = view.getOwner();
        UserPrincipal user = currentUser(file);
        for (AclEntry entry : view.getAcl()) {
          UserPrincipal who = entry.principal();
          if (entry.type() == AclEntryType.ALLOW && entry.permissions().contains(AclEntryPermission.READ_DATA)
              && !who.equals(owner) && !who.equals(user) && !administrative(who) && !others.contains(who.getName())) {
            others.add(who.getName());
          }
        }
        break;
      }
      default:
        break;
    }
    return others;
  }

  /**
   * Whether {@code principal} is SYSTEM, Administrators or CREATOR OWNER, by the name Java gives it on an English
   * Windows ({@code DOMAIN\name} as Windows' account lookup answers) or by its SID string (when that lookup failed).
   * Another language names them in that language: they are then not recognised (docs/PLATFORMS.md).
   */
  public static boolean administrative(UserPrincipal principal) {
    return ADMINISTRATIVE.contains(principal.getName().toLowerCase(Locale.ROOT));
  }

  /** The logger, fetched only on the rare paths that log: held from class initialisation it would set up logging. */
  private static System.Logger log() {
    return System.getLogger(PrivateFiles.class.getName());
  }

  /** The current user's name as the ACL tools take it: {@code DOMAIN\\user} on Windows, else {@code user.name}. */
  public static String currentUserName() {
    String domain = System.getenv("USERDOMAIN");
    String user = System.getenv("USERNAME");
    if (domain != null && user != null && !domain.isBlank() && !user.isBlank()
        && System.getProperty("os.name", "").startsWith("Windows")) {
      return domain + "\\" + user;
    }
    return System.getProperty("user.name", "");
  }
}
