namespace Judge.Sandbox;

/// <summary>A spec refused before any syscall. The message is one line naming the bad field and why.</summary>
public sealed class SandboxSpecException(string message) : Exception(message);
