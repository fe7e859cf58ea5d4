/// A published model this build cannot run: its features are not `LeadFeatures.names` (trained by another version).
struct ModelMismatch: Error, CustomStringConvertible {
    var version: String
    var features: Int

    var description: String {
        "model \(version) has \(features) features that are not this build's \(LeadFeatures.names.count): the rules score its tenant until a model trained by this version is published (bizflow model train)"
    }
}
