import Foundation

/// Where the explorer saves a plan: next to the model, never over an existing file.
public enum PlanSaveLocation {
    /// `MODEL.plan.json` beside `modelPath`, else the first free one of
    /// `MODEL.plan-2.json`, `MODEL.plan-3.json`, ...
    public static func freePath(modelPath: String, fileExists: (String) -> Bool) -> String {
        let base = (modelPath as NSString).deletingPathExtension
        var candidate = base + ".plan.json"
        var number = 2
        while fileExists(candidate) {
            candidate = base + ".plan-\(number).json"
            number += 1
        }
        return candidate
    }
}
