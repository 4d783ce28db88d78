package dev.p2ptunnel.rendezvous.internal;

/** The Session ID alphabet: Crockford's base32, digits and capitals without I, L, O, U. */
public final class IdAlphabet {
  /** 32 symbols, 5 bits each. */
  public static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  private IdAlphabet() {}
}
