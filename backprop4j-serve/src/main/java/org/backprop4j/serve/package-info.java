/** An HTTP JSON prediction server for backprop4j models ({@link org.backprop4j.serve.PredictionServer}). */
package org.backprop4j.serve;
