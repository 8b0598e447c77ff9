// The conformance suites, written once and run unchanged on every runtime and backend.
import elementwise from './elementwise.test.js';
import reduce from './reduce.test.js';
import matmul from './matmul.test.js';
import layout from './layout.test.js';
import nn from './nn.test.js';
import api from './api.test.js';
import optim from './optim.test.js';
import autodiff from './autodiff.test.js';
import hessian from './hessian.test.js';
import train from './train.test.js';
import print from './print.test.js';
import edges from './edges.test.js';
import ot from './ot.test.js';
import sparse from './sparse.test.js';
import solvers from './solvers.test.js';
import implicit from './implicit.test.js';
import gguf from './gguf.test.js';
import llm from './llm.test.js';
import linalg from './linalg.test.js';
import ode from './ode.test.js';
import multiview from './multiview.test.js';
import bcd from './bcd.test.js';
import graph from './graph.test.js';

import quant from './quant.test.js';
import codebook from './codebook.test.js';
import threads from './threads.test.js';
import decode from './decode.test.js';

export const suites = { api, elementwise, reduce, matmul, layout, nn, autodiff, optim, hessian, train, ot, multiview, bcd, graph, print, edges, sparse, solvers, implicit, linalg, ode, gguf, llm, quant, codebook, decode, threads };
