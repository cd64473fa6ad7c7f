// PHIScannerTests: placeholder until the first real test lands.
// (Removed as soon as the target has tests.)
import XCTest
