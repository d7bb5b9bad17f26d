// Runs one `IntegerLayer` on the integer kernels. Everything here is integer
// arithmetic: shapes come from the input tensors, parameters from the layer.
// Conv and fully connected layers with packed weights run on the int8 GEMM
// (`packedConv2D`, `packedFullyConnected`), grouped convolutions with one
// input channel per group on `depthwiseConv2D`, all bit-exact with the
// scalar kernels `conv2D` and `fullyConnected`, which run everything else.
// The fast convolution and pooling kernels take and return channels-last
// activations; each operation converts an input it gets in the other
// layout (see `ActivationLayout`).

extension IntegerLayer {
    /// Computes the layer's output from `inputs` (one per entry of `inputs`,
    /// each in the layer's container).
    public func execute(_ inputs: [IntegerTensor]) throws(MixedRuntimeError) -> IntegerTensor {
        guard inputs.count == self.inputs.count else {
            throw .invalidLayerInput(layer: name, reason: "expected \(self.inputs.count) inputs, got \(inputs.count)")
        }
        for input in inputs where input.container != container {
            throw .invalidLayerInput(layer: name,
                                     reason: "an input is \(input.container) but the layer runs in \(container)")
        }
        switch container {
        case .int8: return try executeTyped(inputs, Int8.self)
        case .uint8: return try executeTyped(inputs, UInt8.self)
        }
    }

    private func executeTyped<Element: QuantizedValue & Int8GemmElement>(_ inputs: [IntegerTensor],
                                                      _ type: Element.Type) throws(MixedRuntimeError) -> IntegerTensor {
        let first = inputs[0]
        do {
            switch operation {
            case let .convolution(weights, bias, outputChannels, window, groups, parameters):
                guard first.shape.count == 4 else { throw shapeError("Conv needs [N, C, H, W], got \(first.shape)") }
                let vertical = window.axis(0, input: first.shape[2])
                let horizontal = window.axis(1, input: first.shape[3])
                let shape = Conv2DShape(
                    batch: first.shape[0], inputChannels: first.shape[1], inputHeight: first.shape[2],
                    inputWidth: first.shape[3], outputChannels: outputChannels,
                    kernelHeight: window.kernel[0], kernelWidth: window.kernel[1],
                    strideHeight: window.strides[0], strideWidth: window.strides[1],
                    dilationHeight: window.dilations[0], dilationWidth: window.dilations[1],
                    padTop: vertical.before, padLeft: horizontal.before,
                    padBottom: vertical.after, padRight: horizontal.after, groups: groups)
                let outputShape = [shape.batch, outputChannels, shape.outputHeight, shape.outputWidth]
                let channelsLast = first.inLayout(.channelsLast).values(Element.self)
                if shape.groups > 1 || shape.inputChannels == 1, shape.groups == shape.inputChannels,
                   let output = try fastOutput(channelsLast, bias: bias, count: shape.outputCount,
                                               run: { input, biasBuffer, output, scratch in
                       try weights.values(Element.self).withUnsafeBufferPointer { weightBuffer in
                           try depthwiseConv2D(input: input, weights: weightBuffer, bias: biasBuffer,
                                               output: output, shape: shape, parameters: parameters,
                                               scratch: scratch)
                       }
                   }) {
                    return result(output, shape: outputShape, layout: .channelsLast)
                }
                if let packed = packedWeights,
                   let output = try fastOutput(channelsLast, bias: bias, count: shape.outputCount,
                                               run: { input, biasBuffer, output, scratch in
                       try packedConv2D(input: input, weights: packed, bias: biasBuffer, output: output,
                                        shape: shape, parameters: parameters, scratch: scratch)
                   }) {
                    return result(output, shape: outputShape, layout: .channelsLast)
                }
                let output = try conv2D(input: first.inLayout(.rowMajor).values(Element.self),
                                        weights: weights.values(Element.self), bias: bias,
                                        shape: shape, parameters: parameters)
                return result(output, shape: outputShape)

            case let .fullyConnected(weights, bias, inputFeatures, outputFeatures, parameters):
                guard let last = first.shape.last, last == inputFeatures else {
                    throw shapeError("expected last dimension \(inputFeatures), got shape \(first.shape)")
                }
                let input = first.inLayout(.rowMajor).values(Element.self)
                let rows = first.count / inputFeatures
                if let packed = packedWeights,
                   let output = try fastOutput(input, bias: bias, count: rows * outputFeatures,
                                               run: { input, biasBuffer, output, scratch in
                       try packedFullyConnected(input: input, weights: packed, bias: biasBuffer, output: output,
                                                batch: rows, inputFeatures: inputFeatures,
                                                outputFeatures: outputFeatures, parameters: parameters,
                                                scratch: scratch)
                   }) {
                    return result(output, shape: first.shape.dropLast() + [outputFeatures])
                }
                let output = try fullyConnected(input: input, weights: weights.values(Element.self), bias: bias,
                                                batch: rows, inputFeatures: inputFeatures,
                                                outputFeatures: outputFeatures, parameters: parameters)
                return result(output, shape: first.shape.dropLast() + [outputFeatures])

            case .add(let parameters):
                guard inputs.count == 2, inputs[1].shape == first.shape else {
                    throw shapeError("integer Add needs two inputs of one shape, got \(inputs.map(\.shape))")
                }
                let second = inputs[1].inLayout(first.layout)
                return result(try vectorizedAdd(first.values(Element.self), second.values(Element.self),
                                                parameters: parameters),
                              shape: first.shape, layout: first.layout)

            case let .maxPool(window, clamp):
                let shape = try poolShape(window, input: first.shape)
                let outputShape = [shape.batch, shape.channels, shape.outputHeight, shape.outputWidth]
                if first.layout == .channelsLast {
                    let input = first.values(Element.self)
                    let output = try makeOutput(Element.self, count: shape.outputCount) { output throws(KernelError) in
                        try input.withUnsafeBufferPointer { input throws(KernelError) in
                            try maxPool2DChannelsLast(input: input, output: output, shape: shape, outputClamp: clamp)
                        }
                    }
                    return result(output, shape: outputShape, layout: .channelsLast)
                }
                let output = try maxPool2D(input: first.values(Element.self), shape: shape, outputClamp: clamp)
                return result(output, shape: outputShape)

            case let .averagePool(window, countIncludePad, clamp):
                let shape = try poolShape(window, input: first.shape)
                let output = try averagePool2D(input: first.inLayout(.rowMajor).values(Element.self), shape: shape,
                                               zeroPoint: first.zeroPoint, countIncludePad: countIncludePad,
                                               outputClamp: clamp)
                return result(output, shape: [shape.batch, shape.channels, shape.outputHeight, shape.outputWidth])

            case .globalAveragePool(let parameters):
                guard first.shape.count == 4 else { throw shapeError("needs [N, C, H, W], got \(first.shape)") }
                let (batch, channels, height, width) = (first.shape[0], first.shape[1], first.shape[2], first.shape[3])
                let outputShape = [batch, channels, 1, 1]
                if first.layout == .channelsLast {
                    let input = first.values(Element.self)
                    let scratch = try IntegerScratch.forCurrentThread()
                    let output = try makeOutput(Element.self, count: batch * channels) { output throws(KernelError) in
                        try input.withUnsafeBufferPointer { input throws(KernelError) in
                            try globalAveragePoolChannelsLast(input: input, output: output, batch: batch,
                                                              channels: channels, height: height, width: width,
                                                              parameters: parameters, scratch: scratch)
                        }
                    }
                    return result(output, shape: outputShape)
                }
                let output = try globalAveragePool(input: first.values(Element.self), batch: batch, channels: channels,
                                                   height: height, width: width, parameters: parameters)
                return result(output, shape: outputShape)

            case let .concat(axis, parameters):
                guard inputs.allSatisfy({ $0.shape.count == first.shape.count && axis < $0.shape.count }) else {
                    throw shapeError("Concat axis \(axis) does not fit shapes \(inputs.map(\.shape))")
                }
                let outer = first.shape[..<axis].reduce(1, *)
                let inner = first.shape[(axis + 1)...].reduce(1, *)
                let extents = inputs.map { $0.shape[axis] }
                let output = try concat(inputs.map { $0.inLayout(.rowMajor).values(Element.self) }, outer: outer,
                                        axisExtents: extents, inner: inner, parameters: parameters)
                var shape = first.shape
                shape[axis] = extents.reduce(0, +)
                return result(output, shape: shape)

            case .reshape(let rule):
                guard let shape = rule.outputShape(for: first.shape) else {
                    throw shapeError("\(rule) does not fit input shape \(first.shape)")
                }
                var output = first.inLayout(.rowMajor)
                output.shape = shape
                return output
            }
        } catch let error as MixedRuntimeError {
            throw error
        } catch let error as KernelError {
            throw .kernel(layer: name, error)
        } catch {
            throw .invalidLayerInput(layer: name, reason: "\(error)")
        }
    }

    /// Runs a fast kernel from `input` and `bias` into a new array of
    /// `count` elements with the calling thread's scratch, or returns nil
    /// when the kernel declined (its accumulators could overflow, or the
    /// layer does not have its shape).
    private func fastOutput<Element: QuantizedValue & Int8GemmElement>(
        _ input: [Element], bias: [Int32]?, count: Int,
        run: (UnsafeBufferPointer<Element>, UnsafeBufferPointer<Int32>?, UnsafeMutableBufferPointer<Element>,
              IntegerScratch) throws -> Bool
    ) throws -> [Element]? {
        let scratch = try IntegerScratch.forCurrentThread()
        var ran = false
        let output = try makeOutput(Element.self, count: count) { outputBuffer in
            ran = try input.withUnsafeBufferPointer { inputBuffer in
                if let bias {
                    return try bias.withUnsafeBufferPointer { try run(inputBuffer, $0, outputBuffer, scratch) }
                }
                return try run(inputBuffer, nil, outputBuffer, scratch)
            }
        }
        return ran ? output : nil
    }

    /// Returns a new array of `count` elements that `fill` writes entirely;
    /// it is not zeroed first. The elements are trivial 8-bit integers, so an
    /// array left unwritten by a failing `fill` is discarded without harm.
    private func makeOutput<Element: QuantizedValue, Failure: Error>(
        _ type: Element.Type, count: Int, _ fill: (UnsafeMutableBufferPointer<Element>) throws(Failure) -> Void
    ) throws(Failure) -> [Element] {
        var failure: Failure?
        let output = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(Failure) {
                try fill(buffer)
            } catch {
                failure = error
            }
            initialized = count
        }
        if let failure { throw failure }
        return output
    }

    private func result<Element: QuantizedValue>(_ values: [Element], shape: [Int],
                                                 layout: ActivationLayout = .rowMajor) -> IntegerTensor {
        IntegerTensor(shape: shape, storage: IntegerStorage(values), zeroPoint: outputZeroPoint, layout: layout)
    }

    private func shapeError(_ reason: String) -> MixedRuntimeError {
        .invalidLayerInput(layer: name, reason: reason)
    }

    private func poolShape(_ window: SlidingWindow, input: [Int]) throws(MixedRuntimeError) -> Pool2DShape {
        guard input.count == 4 else { throw shapeError("pooling needs [N, C, H, W], got \(input)") }
        let vertical = window.axis(0, input: input[2])
        let horizontal = window.axis(1, input: input[3])
        return Pool2DShape(batch: input[0], channels: input[1], inputHeight: input[2], inputWidth: input[3],
                           kernelHeight: window.kernel[0], kernelWidth: window.kernel[1],
                           strideHeight: window.strides[0], strideWidth: window.strides[1],
                           padTop: vertical.before, padLeft: horizontal.before,
                           padBottom: vertical.after, padRight: horizontal.after)
    }
}

extension IntegerStorage {
    /// Wraps `values`, whose type is one of the two containers.
    public init<Element: QuantizedValue>(_ values: [Element]) {
        if Element.self == Int8.self {
            self = .int8(unsafeBitCast(values, to: [Int8].self))
        } else if Element.self == UInt8.self {
            self = .uint8(unsafeBitCast(values, to: [UInt8].self))
        } else if let signed = values as? [Int8] {
            self = .int8(signed)
        } else {
            self = .uint8(values as! [UInt8])
        }
    }

    /// Returns the elements as `Element`. The caller has checked the container.
    public func values<Element: QuantizedValue>(_ type: Element.Type) -> [Element] {
        // Same-type arrays are reinterpreted without a copy or a dynamic cast.
        switch self {
        case .int8(let values):
            if Element.self == Int8.self { return unsafeBitCast(values, to: [Element].self) }
            return values.map { Element(truncatingIfNeeded: $0) }
        case .uint8(let values):
            if Element.self == UInt8.self { return unsafeBitCast(values, to: [Element].self) }
            return values.map { Element(truncatingIfNeeded: $0) }
        }
    }
}

extension IntegerTensor {
    func values<Element: QuantizedValue>(_ type: Element.Type) -> [Element] {
        storage.values(Element.self)
    }

    /// Converts to `container` with new (S, Z) in integer arithmetic.
    public func requantized(_ parameters: RequantizeParameters,
                            to container: QuantizedContainer) throws(KernelError) -> IntegerTensor {
        let storage: IntegerStorage
        switch (self.storage, container) {
        case (.int8(let values), .int8): storage = .int8(try requantize(values, to: Int8.self, parameters: parameters))
        case (.int8(let values), .uint8): storage = .uint8(try requantize(values, to: UInt8.self, parameters: parameters))
        case (.uint8(let values), .int8): storage = .int8(try requantize(values, to: Int8.self, parameters: parameters))
        case (.uint8(let values), .uint8): storage = .uint8(try requantize(values, to: UInt8.self, parameters: parameters))
        }
        return IntegerTensor(shape: shape, storage: storage, zeroPoint: parameters.outputZeroPoint, layout: layout)
    }
}
