/** ONNX export and import of backprop4j models. */
package org.backprop4j.onnx;
