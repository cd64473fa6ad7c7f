// TLSPolicy target: being written in this session.
// Placeholder so the package builds while the target gets its first real file.
enum TLSPolicyPlaceholder {}
