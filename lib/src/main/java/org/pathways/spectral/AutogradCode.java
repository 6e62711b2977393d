package org.pathways.spectral;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose code runs while autograd records (the objective, the feature parametrisations); its nested
 * classes and lambdas count as its code.
 * In such code an NDArray op that takes a Java number and whose backward keeps that operand ({@code mul(Number)},
 * {@code div(Number)}, {@code pow(Number)}, ...) is forbidden: DJL wraps the number in a tensor over a Java buffer
 * that the garbage collector may free before the backward pass reads it (gradients turned NaN at random). Use the
 * arrays of {@link Constants}, which own their memory. {@code AutogradScalarsTest} reads the compiled classes and
 * fails on any such call in a class marked here.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface AutogradCode {}
